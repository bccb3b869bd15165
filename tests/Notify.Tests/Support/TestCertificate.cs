using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Socme.Notify.Tests.Support;

/// <summary>A self-signed server certificate for 127.0.0.1/localhost, written as PEM files for the Python server.</summary>
internal sealed class TestCertificate
{
    private TestCertificate(string certPath, string keyPath, string sha256)
    {
        CertPath = certPath;
        KeyPath = keyPath;
        Sha256 = sha256;
    }

    public string CertPath { get; }
    public string KeyPath { get; }
    public string Sha256 { get; }

    public static TestCertificate Create(string dir, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=socme-test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var cert = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        var certPath = Path.Combine(dir, "server.crt");
        var keyPath = Path.Combine(dir, "server.key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new TestCertificate(certPath, keyPath, cert.GetCertHashString(HashAlgorithmName.SHA256));
    }
}
