using System.Globalization;
using Ferry.Core.Errors;
using Ferry.Core.Tracking;
using Ferry.Server.Errors;

namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>Reads and checks request fields the way MLflow's server does.</summary>
public static class TrackingRequests
{
    /// <summary>A required string field, or 400 naming it.</summary>
    public static string Required(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw MlflowException.MissingParameter(name) : value;

    /// <summary>The run id from <c>run_id</c>, falling back to <c>run_uuid</c>; 400 when both are absent.</summary>
    public static string RunId(string? runId, string? runUuid) =>
        !string.IsNullOrEmpty(runId) ? runId : !string.IsNullOrEmpty(runUuid) ? runUuid : throw MlflowException.MissingParameter("run_id");

    /// <summary>An experiment id (required); one that is not a number names no experiment (404).</summary>
    public static long ExperimentId(string? value)
    {
        var text = Required(value, "experiment_id");
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new NotFoundException($"No Experiment with id={text} exists");
    }

    /// <summary>A view type given by name or number; ACTIVE_ONLY when absent.</summary>
    public static ViewType ViewTypeOf(string? value, string name) => value?.ToUpperInvariant() switch
    {
        null or "" or "ACTIVE_ONLY" or "1" => ViewType.ActiveOnly,
        "DELETED_ONLY" or "2" => ViewType.DeletedOnly,
        "ALL" or "3" => ViewType.All,
        _ => throw MlflowException.InvalidParameter(name, $"'{value}' is not one of ACTIVE_ONLY, DELETED_ONLY, ALL"),
    };

    /// <summary>A run status given by name or number (1..5), or null when absent.</summary>
    public static string? StatusOf(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= RunStatus.All.Count)
        {
            return RunStatus.All[number - 1];
        }

        var upper = value.ToUpperInvariant();
        return RunStatus.All.Contains(upper) ? upper : throw MlflowException.InvalidParameter("status", $"'{value}' is not a run status");
    }

    /// <summary>A page size: the default when absent, 400 when not positive or over <paramref name="limit"/>.</summary>
    public static int MaxResults(long? value, int defaultValue, int limit) => value switch
    {
        null => defaultValue,
        < 1 => throw MlflowException.InvalidParameter("max_results", $"it must be positive, but got {value}"),
        _ when value > limit => throw MlflowException.InvalidParameter("max_results", $"it must be at most {limit}, but got value {value}"),
        _ => (int)value,
    };

    /// <summary>Key/value messages as pairs (a missing key stays empty, so validation names it).</summary>
    public static List<KeyValuePair<string, string>> Pairs(List<KeyValueMessage>? messages) =>
        messages is null ? [] : [.. messages.Select(m => new KeyValuePair<string, string>(m.Key ?? string.Empty, m.Value ?? string.Empty))];
}
