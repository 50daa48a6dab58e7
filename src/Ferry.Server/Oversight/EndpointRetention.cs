using System.Collections.Concurrent;
using Ferry.Core.Oversight;
using Ferry.Server.Serving;

namespace Ferry.Server.Oversight;

/// <summary>
/// Per-endpoint retention for <see cref="RetentionService"/>: each endpoint keeps its predictions for its own
/// <see cref="EndpointOversight.RetentionDays"/> (else the server's), never less than its <see cref="RetentionFloor"/>,
/// and loses them only in whole sealed stretches, each pass recorded as <c>predictions.expire</c>.
/// </summary>
public sealed partial class EndpointRetention(IServiceScopeFactory scopes, ILogger<EndpointRetention> logger) : IEndpointRetention
{
    private readonly ConcurrentDictionary<string, int> _warned = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<EndpointRetentionResult> RunAsync(DateTimeOffset now, TimeSpan? serverRetention, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var seals = scope.ServiceProvider.GetRequiredService<IPredictionSealStore>();
        var oversight = scope.ServiceProvider.GetRequiredService<IEndpointOversightStore>();
        var floors = scope.ServiceProvider.GetRequiredService<RetentionFloors>();
        var settings = (await oversight.ListAsync(cancellationToken)).ToDictionary(o => o.EndpointName, StringComparer.Ordinal);
        var handled = new List<string>();
        int predictions = 0, feedback = 0;
        foreach (var name in await seals.EndpointNamesAsync(cancellationToken))
        {
            handled.Add(name);
            var keep = settings.GetValueOrDefault(name)?.RetentionDays is { } days ? TimeSpan.FromDays(days) : serverRetention;
            if (keep is null)
            {
                continue;
            }

            var floor = await floors.ForEndpointAsync(name, cancellationToken);
            if (floor.Days > 0 && keep < TimeSpan.FromDays(floor.Days))
            {
                if (_warned.TryAdd(name, floor.Days))
                {
                    LogFloorKept(logger, name, keep.Value.TotalDays, floor.ModelName!, RetentionFloors.TierName(floor.Tier), floor.Days);
                }

                keep = TimeSpan.FromDays(floor.Days);
            }

            var cutoff = (now - keep.Value).ToUnixTimeMilliseconds();
            // What is due but was never sealed (sealing was behind) is sealed first, so it can go as a whole stretch.
            await seals.SealAsync(name, cutoff, SealingService.SystemActor, cancellationToken);
            if (await seals.ExpireAsync(name, cutoff, SealingService.SystemActor, cancellationToken) is { } expiry)
            {
                predictions += expiry.Predictions;
                feedback += expiry.Feedback;
            }
        }

        return new EndpointRetentionResult(handled, predictions, feedback);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint '{Endpoint}': retention of {Days} days is below the retention floor of model '{Model}' ({Tier} risk): its predictions are kept {Floor} days")]
    private static partial void LogFloorKept(ILogger logger, string endpoint, double days, string model, string tier, int floor);
}
