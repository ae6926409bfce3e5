using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;
using Polly.Timeout;
using PrimeCluster.Actors.Security;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Client;

/// <summary>The job API of a running cluster, over HTTP.</summary>
public sealed class ClusterClient : IDisposable
{
    /// <summary>The field of a seed's 404 for a job it does not know.</summary>
    private const string UnknownJobField = "id";

    private readonly HttpClient _http;
    private readonly string? _authorityFile;
    private string? _certificateRefusal;
    private bool _certificateSeen;
    private ResiliencePipeline<HttpResponseMessage>? _requests;
    private int _unavailableNoticed;

    /// <param name="authority">For an https URL: the cluster's CA, from <paramref name="authorityFile"/>, which the
    /// server's certificate must be signed by (and be for the URL's host); without it, the machine's trust store decides.</param>
    public ClusterClient(Uri url, string? token, HttpMessageHandler? handler = null, ClusterAuthority? authority = null, string? authorityFile = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        Url = url;
        _authorityFile = authorityFile;
        _http = new HttpClient(handler ?? Sockets(url, authority, reason => _certificateRefusal = reason, () => _certificateSeen = true))
        {
            BaseAddress = url,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Url { get; }

    /// <summary>How long one attempt of a request may wait for the seed's whole answer (<see cref="SeedRequests"/>).</summary>
    internal TimeSpan AnswerLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a job's event stream may stay silent: a seed sends at least a keep-alive every 15 s.</summary>
    internal TimeSpan SilenceLimit { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Where the client says, once, that it asks a seed again that answered 503.</summary>
    internal TextWriter? Notices { get; init; }

    private ResiliencePipeline<HttpResponseMessage> Requests => _requests ??= SeedRequests.Pipeline(AnswerLimit, NoticeUnavailableAsync);

    public Task<JobResource> SubmitAsync(JobRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/jobs", JsonSerializer.Serialize(request, ApiJson.Types.JobRequest), ApiJson.Received.JobResource, cancellationToken);

    /// <summary>The job, or null when the cluster does not know it.</summary>
    public Task<JobResource?> GetJobAsync(string id, CancellationToken cancellationToken) =>
        SendOrNotFoundAsync(HttpMethod.Get, $"/jobs/{Uri.EscapeDataString(id)}", ApiJson.Received.JobResource, cancellationToken);

    /// <summary>Cancels the job and returns it as it ended, or null when the cluster does not know it.</summary>
    public Task<JobResource?> CancelAsync(string id, CancellationToken cancellationToken) =>
        SendOrNotFoundAsync(HttpMethod.Delete, $"/jobs/{Uri.EscapeDataString(id)}", ApiJson.Received.JobResource, cancellationToken);

    /// <summary>
    /// A page of jobs, newest first: up to <paramref name="limit"/>, after the job <paramref name="before"/> when given.
    /// <see cref="JobPage.Next"/> is the <c>before</c> of the next page, from the answer's <c>Link</c> header.
    /// </summary>
    public async Task<JobPage> ListJobsAsync(int limit, string? before, CancellationToken cancellationToken)
    {
        var path = FormattableString.Invariant($"/jobs?limit={limit}") + (before is null ? string.Empty : $"&before={Uri.EscapeDataString(before)}");
        using var response = await SendRawAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var jobs = await ReadAsync(response, ApiJson.Received.ListJobResource, cancellationToken).ConfigureAwait(false);
        return new JobPage(jobs, NextBefore(response));
    }

    /// <summary>The <c>before</c> of a <c>Link: &lt;/jobs?limit=N&amp;before=ID&gt;; rel="next"</c> header.</summary>
    private static string? NextBefore(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var links)
            ? links.Where(l => l.Contains("rel=\"next\"", StringComparison.Ordinal))
                .Select(l => System.Text.RegularExpressions.Regex.Match(l, "[?&]before=([^&>]+)"))
                .Where(m => m.Success)
                .Select(m => Uri.UnescapeDataString(m.Groups[1].Value))
                .FirstOrDefault()
            : null;

    public Task<ClusterResource> ClusterAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "/cluster", null, ApiJson.Received.ClusterResource, cancellationToken);

    /// <summary>
    /// The job as it moves, from the server-sent events of <c>/jobs/{id}/events</c>, ending with it finished.
    /// Yields nothing more if the stream breaks; callers fall back to polling.
    /// </summary>
    public async IAsyncEnumerable<JobResource> FollowAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A seed that refuses the stream (503 at its limit of streams) is polled instead, at once.
        using var response = await SendRawAsync(HttpMethod.Get, $"/jobs/{Uri.EscapeDataString(id)}/events", null, HttpCompletionOption.ResponseHeadersRead, cancellationToken, repeatWhenUnavailable: false).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var events = SseParser.Create(stream).EnumerateAsync(silence.Token).GetAsyncEnumerator(silence.Token);
        try
        {
            while (true)
            {
                silence.CancelAfter(SilenceLimit);
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (IOException)
                {
                    yield break;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new ClusterUnreachableException(Url, FormattableString.Invariant($"its event stream sent nothing for {SilenceLimit.TotalSeconds:0.#} s, not even a keep-alive"), null);
                }

                if (events.Current.EventType is JobEvents.Progress or JobEvents.Result
                    && ReadEvent(events.Current.Data) is { } job)
                {
                    yield return job;
                    if (job.State.IsTerminal())
                    {
                        yield break;
                    }
                }
            }
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <param name="seen">Called when the server shows a certificate: a handshake that fails before is no TLS server's.</param>
    private static SocketsHttpHandler Sockets(Uri url, ClusterAuthority? authority, Action<string> refused, Action seen)
    {
        var sockets = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) };
        if (url.Scheme == Uri.UriSchemeHttps)
        {
            // Without a CA, the machine's trust store decides, as it would without a callback.
            var check = authority?.ServerCheck(url.IdnHost, refused);
            sockets.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                seen();
                return check?.Invoke(sender, certificate, chain, errors) ?? errors == System.Net.Security.SslPolicyErrors.None;
            };
        }

        return sockets;
    }

    private async Task<T?> SendOrNotFoundAsync<T>(HttpMethod method, string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendRawAsync(method, path, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // Only a seed's own 404, naming the id, says the job is unknown; a 404 of any other server is a refusal.
            var refusal = await RefusalAsync(response, cancellationToken).ConfigureAwait(false);
            return refusal is { Status: HttpStatusCode.NotFound, Error.Field: UnknownJobField } ? null : throw refusal;
        }

        return await ReadAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string? json, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, json, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, type, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The request, through the one pipeline of retries and timeouts (<see cref="SeedRequests"/>).</summary>
    /// <param name="repeatWhenUnavailable">False where a 503 has a better answer than asking again.</param>
    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? json, HttpCompletionOption completion, CancellationToken cancellationToken, bool repeatWhenUnavailable = true)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SeedRequests.RepeatWhenUnavailable, repeatWhenUnavailable);
        try
        {
            return await Requests.ExecuteAsync(
                static async (context, send) =>
                {
                    using var request = new HttpRequestMessage(send.Method, send.Path);
                    if (send.Json is not null)
                    {
                        request.Content = new StringContent(send.Json, Encoding.UTF8, "application/json");
                    }

                    return await send.Client._http.SendAsync(request, send.Completion, context.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Client: this, Method: method, Path: path, Json: json, Completion: completion)).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            throw new ClusterUnreachableException(Url, FormattableString.Invariant($"it did not answer within {AnswerLimit.TotalSeconds:0.#} s"), null);
        }
        catch (HttpRequestException e) when (Url.Scheme == Uri.UriSchemeHttps && !_certificateSeen && e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            // A plain-http port answers the TLS greeting with an HTTP error, or hangs up, before any certificate.
            throw new ClusterCertificateException(Url, $"port {Url.Port} does not speak TLS; for a plain-http API use {new UriBuilder(Url) { Scheme = Uri.UriSchemeHttp, Port = Url.Port }.Uri}", untrusted: false, e);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw new ClusterCertificateException(Url, _certificateRefusal is { } refusal
                ? $"its certificate does not verify against the CA in {_authorityFile}: {refusal}"
                : $"its certificate is not trusted here ({e.InnerException.Message.TrimEnd('.')})", _certificateRefusal is null && _authorityFile is null, e);
        }
        catch (HttpRequestException e)
        {
            throw new ClusterUnreachableException(Url, e.Message, e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The first 503 asked again, on <see cref="Notices"/>.</summary>
    private async ValueTask NoticeUnavailableAsync(HttpResponseMessage response)
    {
        if (Notices is null || Interlocked.Exchange(ref _unavailableNoticed, 1) == 1)
        {
            return;
        }

        var refusal = await RefusalAsync(response, CancellationToken.None).ConfigureAwait(false);
        await Notices.WriteLineAsync(FormattableString.Invariant(
            $"primecluster: {Url} answers 503 ({refusal.Message}); asking again for up to {SeedRequests.UnavailableLimit.TotalSeconds:F0} s.")).ConfigureAwait(false);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw new NotASeedException(Url, "it answered with an empty body", null);
        }
        catch (JsonException e)
        {
            throw NotASeed(e);
        }
    }

    private JobResource? ReadEvent(string data)
    {
        try
        {
            return JsonSerializer.Deserialize(data, ApiJson.Received.JobResource);
        }
        catch (JsonException e)
        {
            throw NotASeed(e);
        }
    }

    private NotASeedException NotASeed(JsonException e) => new(Url, e.Message, e);

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await RefusalAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ClusterRefusedException> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ErrorResource? error = null;
        try
        {
            error = await response.Content.ReadFromJsonAsync(ApiJson.Received.ErrorResource, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
        }

        return new ClusterRefusedException(Url, response.StatusCode, error);
    }
}

/// <summary>A page of <c>GET /jobs</c>; <paramref name="Next"/> is null on the last page.</summary>
public sealed record JobPage(List<JobResource> Jobs, string? Next);

/// <summary>No answer from <see cref="Url"/>: no connection, or no word within the client's limits.</summary>
public sealed class ClusterUnreachableException(Uri url, string reason, Exception? inner)
    : Exception($"cannot reach a PrimeCluster seed at {url}: {reason}", inner)
{
    public Uri Url { get; } = url;

    /// <summary>Why, without the URL: "Connection refused (127.0.0.1:8080)".</summary>
    public string Reason { get; } = reason;
}

/// <summary>The server at <see cref="Url"/> answered, but not as a PrimeCluster seed does: what it sent is no resource of the API.</summary>
public sealed class NotASeedException(Uri url, string reason, Exception? inner)
    : Exception($"{url} does not answer like a PrimeCluster seed ({reason})", inner)
{
    public Uri Url { get; } = url;

    /// <summary>What was wrong with the answer: "JSON deserialization for type 'JobResource' was missing required properties ...".</summary>
    public string Reason { get; } = reason;
}

/// <summary>The server at <see cref="Url"/> answered TLS with a certificate this client does not accept.</summary>
public sealed class ClusterCertificateException(Uri url, string reason, bool untrusted, Exception? inner)
    : Exception($"{url} refused: {reason}", inner)
{
    public Uri Url { get; } = url;

    /// <summary>No CA was given to check the certificate against, and the machine's trust store does not know it.</summary>
    public bool Untrusted { get; } = untrusted;
}

/// <summary>The cluster answered, with an error: the API's own (<see cref="Error"/>), or only a status.</summary>
public sealed class ClusterRefusedException(Uri url, HttpStatusCode status, ErrorResource? error)
    : Exception(error?.Error ?? $"{(int)status} {status}")
{
    public Uri Url { get; } = url;

    public HttpStatusCode Status { get; } = status;

    public ErrorResource? Error { get; } = error;
}
