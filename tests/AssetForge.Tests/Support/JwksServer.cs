using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AssetForge.Tests.Support;

/// <summary>Serves one EC public key as a JWKS document on loopback, like an identity provider's jwks.json.</summary>
public sealed class JwksServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _document;

    public JwksServer(ECDsa key, string keyId)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        _document = Encoding.UTF8.GetBytes(
            $$"""{"keys":[{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"{{keyId}}","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}]}""");
        var port = Ports.Free();
        Url = $"http://127.0.0.1:{port}/jwks.json";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public string Url { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(_document);
            context.Response.Close();
        }
    }


    public void Dispose() => _listener.Close();
}
