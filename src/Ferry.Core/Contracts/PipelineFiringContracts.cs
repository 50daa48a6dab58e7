using System.Text.Json.Serialization;
using Ferry.Core.Pipelines;

namespace Ferry.Core.Contracts;

/// <summary>A pipeline's trigger firing, started or not, and why.</summary>
/// <param name="Id">The firing.</param>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Kind"><c>schedule</c>, <c>alert</c>, <c>labels</c> or <c>manual</c>.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="Source">What fired it (a cron expression, an alert id, a user), when known.</param>
/// <param name="Outcome"><c>started</c>, <c>cooldown</c>, <c>busy</c> or <c>disabled</c>.</param>
/// <param name="RunId">The run it started.</param>
/// <param name="At">When, ISO 8601 UTC.</param>
public sealed record FiringView(
    Guid Id,
    string Pipeline,
    string Kind,
    string Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source,
    string Outcome,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? RunId,
    string At)
{
    /// <summary>The view of a firing.</summary>
    public static FiringView From(TriggerFiring firing)
    {
        ArgumentNullException.ThrowIfNull(firing);
        return new FiringView(firing.Id, firing.PipelineName, firing.Kind, firing.Reason, firing.Source, firing.Outcome, firing.RunId, AlertView.Iso(firing.At));
    }
}

/// <summary>Firings, newest first.</summary>
/// <param name="Firings">The firings.</param>
public sealed record FiringListView(IReadOnlyList<FiringView> Firings);
