using System.Runtime.Versioning;

// The node agent runs on Linux sensors (inodes, file modes, /proc); it makes no claim to run elsewhere.
[assembly: SupportedOSPlatform("linux")]
