using System.Runtime.Versioning;

// The node agent tests exercise Linux-only behaviour; on Linux sensors (inodes, file modes, /proc) like the agent itself.
[assembly: SupportedOSPlatform("linux")]
