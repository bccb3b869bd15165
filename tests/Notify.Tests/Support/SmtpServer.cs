using System.Diagnostics;

namespace Socme.Notify.Tests.Support;

/// <summary>
/// aiosmtpd in a child process (system python3, clean environment). Waits for its "READY port" line; stops it by closing
/// its stdin, then killing that one process, in <see cref="Dispose"/>.
/// </summary>
internal sealed class SmtpServer : IDisposable
{
    private readonly Process _process;

    private SmtpServer(Process process, int port, string dir, TestCertificate? certificate)
    {
        _process = process;
        Port = port;
        MailDir = dir;
        Certificate = certificate;
    }

    public int Port { get; }
    public string MailDir { get; }
    public TestCertificate? Certificate { get; }
    private string WorkDir => Path.GetDirectoryName(MailDir)!;

    public const string User = "socme";
    public const string Password = "s3cret-Pa55word";

    public static async Task<SmtpServer> StartAsync(string mode, bool auth = false)
    {
        var work = Directory.CreateTempSubdirectory("socme-smtp-").FullName;
        var mail = Directory.CreateDirectory(Path.Combine(work, "mail")).FullName;
        var cert = mode == "plain" ? null : TestCertificate.Create(work, TimeProvider.System.GetUtcNow());
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.Environment.Clear();
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Support", "smtp_server.py"));
        foreach (var a in (string[])["--dir", mail, "--mode", mode])
        {
            psi.ArgumentList.Add(a);
        }
        if (cert is not null)
        {
            foreach (var a in (string[])["--cert", cert.CertPath, "--key", cert.KeyPath])
            {
                psi.ArgumentList.Add(a);
            }
        }
        if (auth)
        {
            foreach (var a in (string[])["--user", User, "--password", Password])
            {
                psi.ArgumentList.Add(a);
            }
        }
        var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new InvalidOperationException("aiosmtpd did not become ready within 30 s");
        }
        if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
        {
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"aiosmtpd failed to start: {line} {await stderr}");
        }
        return new SmtpServer(process, int.Parse(line[6..], System.Globalization.CultureInfo.InvariantCulture), mail, cert);
    }

    /// <summary>The messages received so far (written before the server answered 250).</summary>
    public IReadOnlyList<string> Messages() =>
        Directory.GetFiles(MailDir, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    _process.Kill();
                    _process.WaitForExit();
                }
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(WorkDir, recursive: true);
        }
    }
}
