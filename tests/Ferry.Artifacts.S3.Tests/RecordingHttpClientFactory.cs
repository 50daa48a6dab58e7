using System.Collections.Concurrent;
using Amazon.Runtime;

namespace Ferry.Artifacts.S3.Tests;

/// <summary>One HTTP exchange the S3 client made, as it went over the wire.</summary>
internal sealed record RecordedRequest(string Method, string Query, string? Range, long? ContentLength, long? ResponseLength);

/// <summary>Gives the AWS SDK ordinary HttpClients whose handler notes every request (method, query, Range, body and answer sizes) before passing it on.</summary>
internal sealed class RecordingHttpClientFactory : HttpClientFactory
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public RecordingList Requests => new(_requests);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new RecordingHandler(_requests) { InnerHandler = new SocketsHttpHandler() });

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    internal sealed class RecordingList(ConcurrentQueue<RecordedRequest> queue) : IEnumerable<RecordedRequest>
    {
        public void Clear() => queue.Clear();

        public IEnumerator<RecordedRequest> GetEnumerator() => queue.ToList().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class RecordingHandler(ConcurrentQueue<RecordedRequest> requests) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            requests.Enqueue(new RecordedRequest(
                request.Method.Method,
                request.RequestUri?.Query ?? "",
                request.Headers.Range?.ToString(),
                request.Content?.Headers.ContentLength,
                response.Content.Headers.ContentLength));
            return response;
        }
    }
}
