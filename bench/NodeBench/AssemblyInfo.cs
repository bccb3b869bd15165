using System.Runtime.Versioning;

// Like the agent it measures: Linux only (/proc, taskset, inodes).
[assembly: SupportedOSPlatform("linux")]
