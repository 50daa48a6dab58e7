using System.Globalization;
using System.Text;
using System.Text.Json;
using Ferry.Core.Audit;
using Ferry.Core.Governance;
using Ferry.Core.Monitoring;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Monitoring;
using Ferry.Statistics.Profiles;

namespace Ferry.Server.Explain.ModelCards;

/// <summary>
/// Assembles a version's technical documentation in the shape of the EU AI Act's Annex IV, from what Ferry holds: the
/// model card (intended purpose and limits), the training run (data lineage, hyperparameters, metrics), the monitoring
/// reference, fairness, promotion requests (gates and approvals), the monitors and alert webhooks of the endpoints that
/// serve it, their human-oversight settings, and the audit trail (change log). A section with nothing to say says so.
/// User text is escaped as on the model card, so the HTML rendering carries no markup from it.
/// </summary>
public sealed class TechnicalDocumentation(
    ModelCardAssembler cards,
    ReferenceCache references,
    IEndpointStore endpoints,
    IMonitorStore monitors,
    IWebhookStore webhooks,
    IPromotionStore promotions,
    IEndpointOversightStore oversight,
    IAuditLog audit)
{
    /// <summary>The documentation as Markdown.</summary>
    /// <exception cref="Ferry.Core.Errors.NotFoundException">No such model or version.</exception>
    public async Task<string> RenderAsync(string name, int version, CancellationToken cancellationToken)
    {
        var card = await cards.AssembleAsync(name, version, cancellationToken);
        var reference = await references.GetAsync(name, version, cancellationToken);
        var serving = await ServingEndpointsAsync(name, version, cancellationToken);
        var requests = (await promotions.ListAsync(name, null, cancellationToken)).Where(r => r.Version == version).OrderBy(r => r.RequestedAt).ToList();
        var endpointNames = serving.Select(s => s.Endpoint).ToHashSet(StringComparer.Ordinal);
        var watching = (await monitors.ListMonitorsAsync(cancellationToken)).Where(m => endpointNames.Contains(m.EndpointName)).ToList();
        var hooks = await webhooks.ListWebhooksAsync(cancellationToken);
        var settings = new List<EndpointOversight>();
        foreach (var (endpoint, _) in serving)
        {
            settings.Add(await oversight.GetAsync(endpoint, cancellationToken) ?? EndpointOversight.Defaults(endpoint));
        }

        var events = await ChangeLogAsync(name, version, endpointNames, cancellationToken);

        var md = new StringBuilder();
        md.Append("# Technical documentation: ").Append(ModelCardMarkdown.Inline(name)).Append(" version ").Append(version.ToString(CultureInfo.InvariantCulture)).Append("\n\n");
        md.Append("_Assembled by Ferry at ").Append(ModelCardMarkdown.Timestamp(card.GeneratedAt))
            .Append(" from the registry, the model card, the training run, the monitoring reference, the promotion workflow, the monitors, the endpoints' oversight settings and the audit trail, in the order of the EU AI Act's Annex IV._\n\n");
        Purpose(md, card);
        Data(md, card, reference);
        Design(md, card);
        Validation(md, card, requests);
        Monitoring(md, serving, watching, hooks);
        Oversight(md, serving, settings);
        ChangeLog(md, events);
        return md.ToString();
    }

    private async Task<List<(string Endpoint, string Role)>> ServingEndpointsAsync(string name, int version, CancellationToken cancellationToken)
    {
        var found = new List<(string, string)>();
        foreach (var endpoint in (await endpoints.ListAsync(cancellationToken)).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var policy = await endpoints.ResolveAsync(endpoint.Name, cancellationToken);
            if (policy?.Routes.FirstOrDefault(r => r.ModelName == name && r.Version == version) is { } route)
            {
                found.Add((endpoint.Name, route.Role.ToString().ToLowerInvariant()));
            }
        }

        return found;
    }

    private async Task<List<AuditEvent>> ChangeLogAsync(string name, int version, IEnumerable<string> endpointNames, CancellationToken cancellationToken)
    {
        var v = version.ToString(CultureInfo.InvariantCulture);
        var targets = new List<string> { $"model/{name}", $"model/{name}/{v}", $"{name}/{v}" };
        targets.AddRange(endpointNames.Select(e => $"endpoint/{e}"));
        var events = new Dictionary<long, AuditEvent>();
        foreach (var target in targets)
        {
            foreach (var e in await audit.QueryAsync(new AuditQuery { Target = target, Limit = AuditQuery.MaxLimit, NewestFirst = true }, cancellationToken))
            {
                events[e.Sequence] = e;
            }
        }

        return [.. events.Values.OrderBy(e => e.Sequence)];
    }

    private static void Purpose(StringBuilder md, ModelCardData card)
    {
        md.Append("## 1. General description and intended purpose\n\n");
        md.Append("| Detail | Value |\n|---|---|\n");
        Row(md, "Model", ModelCardMarkdown.Cell(card.ModelName));
        Row(md, "Version", card.Version.ToString(CultureInfo.InvariantCulture));
        Row(md, "Owner", Or(card.Fields.Owner, "not set on the model card"));
        Row(md, "Registered at", ModelCardMarkdown.Timestamp(card.CreatedAt));
        Row(md, "Stage", Or(card.Stage, "none"));
        Row(md, "Aliases", card.Aliases.Count > 0 ? string.Join(", ", card.Aliases.Order(StringComparer.Ordinal).Select(ModelCardMarkdown.Cell)) : "none");
        Row(md, "Description", Or(card.Description, "none"));
        md.Append('\n');
        Paragraph(md, "Intended purpose", card.Fields.IntendedUse, "The model card states no intended use.");
        if (card.Fields.DecisionThreshold is { } threshold)
        {
            md.Append("**Decision rule.** A score of ").Append(threshold.ToString("0.###", CultureInfo.InvariantCulture)).Append(" or more is ")
                .Append(ModelCardMarkdown.Inline(card.Fields.PositiveDecision ?? "positive")).Append("; below it, ")
                .Append(ModelCardMarkdown.Inline(card.Fields.NegativeDecision ?? "negative")).Append(".\n\n");
        }
        else
        {
            md.Append("**Decision rule.** The model card states no decision threshold.\n\n");
        }

        Paragraph(md, "Limitations", card.Fields.Limitations, "The model card states no limitations.");
        Paragraph(md, "Risks to people", card.Fields.EthicalConsiderations, "The model card states no ethical considerations.");
        Paragraph(md, "How an affected person contests a decision", card.Fields.Contest,
            "The model card states no contest procedure; decision notices give the default sentence (contact the organisation, quoting the decision's reference).");
    }

    private static void Data(StringBuilder md, ModelCardData card, LoadedReference? reference)
    {
        md.Append("## 2. Data and data lineage\n\n");
        if (card.Lineage is not { RunId: { } runId } lineage)
        {
            md.Append("This version is not linked to a training run, so no training data is recorded.\n\n");
        }
        else
        {
            md.Append("| Detail | Value |\n|---|---|\n");
            Row(md, "Training run", ModelCardMarkdown.Cell(runId));
            Row(md, "Run name", Or(lineage.RunName, "none"));
            Row(md, "Experiment", Or(lineage.Experiment, "unknown"));
            md.Append('\n');
            if (lineage.Datasets.Count == 0)
            {
                md.Append("The training run recorded no dataset inputs.\n\n");
            }
            else
            {
                md.Append("Datasets the training run recorded (name and digest):\n\n");
                foreach (var dataset in lineage.Datasets)
                {
                    md.Append("- ").Append(ModelCardMarkdown.Cell(dataset)).Append('\n');
                }

                md.Append('\n');
            }
        }

        md.Append("### Reference profile\n\n");
        if (reference is null || card.Reference is null)
        {
            md.Append("No monitoring reference is computed for this version.\n\n");
            return;
        }

        md.Append("| Detail | Value |\n|---|---|\n");
        Row(md, "Rows profiled", card.Reference.Rows.ToString(CultureInfo.InvariantCulture));
        Row(md, "Source", ModelCardMarkdown.Cell(card.Reference.Source));
        Row(md, "Computed at", ModelCardMarkdown.Timestamp(card.Reference.CreatedAt));
        Row(md, "Positive class", Or(card.Reference.PositiveLabel, "not set"));
        Row(md, "Calibrated", card.Reference.Calibrated ? "yes" : "no");
        md.Append('\n');
        var columns = reference.Profile.Profile.Columns.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        if (columns.Count == 0)
        {
            return;
        }

        md.Append("| Column | Kind | Rows | Missing | Range or categories |\n|---|---|---:|---:|---|\n");
        foreach (var column in columns)
        {
            var spread = column.Kind == ColumnKind.Categorical
                ? $"{column.ReferenceCategories.Count.ToString(CultureInfo.InvariantCulture)} categories"
                : $"{ModelCardMarkdown.Number(column.ReferenceMin)} to {ModelCardMarkdown.Number(column.ReferenceMax)}";
            Row(md, ModelCardMarkdown.Cell(column.Name), column.Kind.ToString().ToLowerInvariant(), column.Count.ToString(CultureInfo.InvariantCulture),
                column.Missing.ToString(CultureInfo.InvariantCulture), spread);
        }

        md.Append('\n');
    }

    private static void Design(StringBuilder md, ModelCardData card)
    {
        md.Append("## 3. Design and development\n\n");
        md.Append("| Detail | Value |\n|---|---|\n");
        Row(md, "Flavor", Or(card.Flavor, "unknown"));
        Row(md, "Model file", Or(card.Lineage?.Source, "unknown"));
        Row(md, "Explanations", card.Explanation is { } plan
            ? ModelCardMarkdown.Cell(plan.Method) + (plan.FallbackReason is { } reason ? " (not exact because " + ModelCardMarkdown.Cell(reason) + ")" : string.Empty)
            : "unknown");
        md.Append('\n');
        md.Append("### Signature\n\n");
        if (card.Inputs.Count == 0 && card.Outputs.Count == 0)
        {
            md.Append("No signature is recorded.\n\n");
        }
        else
        {
            md.Append("| Direction | Name | Type |\n|---|---|---|\n");
            foreach (var field in card.Inputs)
            {
                Row(md, "input", ModelCardMarkdown.Cell(field.Name), ModelCardMarkdown.Cell(field.Type));
            }

            foreach (var field in card.Outputs)
            {
                Row(md, "output", ModelCardMarkdown.Cell(field.Name), ModelCardMarkdown.Cell(field.Type));
            }

            md.Append('\n');
        }

        md.Append("### Hyperparameters\n\n");
        if (card.Lineage is not { Parameters.Count: > 0 } lineage)
        {
            md.Append("The training run logged no parameters.\n\n");
            return;
        }

        md.Append("| Parameter | Value |\n|---|---|\n");
        foreach (var (key, value) in lineage.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Row(md, ModelCardMarkdown.Cell(key), ModelCardMarkdown.Cell(value));
        }

        md.Append('\n');
    }

    private static void Validation(StringBuilder md, ModelCardData card, List<PromotionRequest> requests)
    {
        md.Append("## 4. Validation and testing\n\n### Metrics\n\n");
        if (card.Lineage is not { Metrics.Count: > 0 } lineage)
        {
            md.Append("The training run logged no metrics.\n\n");
        }
        else
        {
            md.Append("| Metric | Value |\n|---|---:|\n");
            foreach (var (key, value) in lineage.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                Row(md, ModelCardMarkdown.Cell(key), ModelCardMarkdown.Number(value));
            }

            md.Append('\n');
        }

        md.Append("### Fairness\n\n");
        if (card.Fairness is not { } fairness)
        {
            md.Append("No fairness analysis: it needs a monitoring reference with labels and a categorical attribute.\n\n");
        }
        else
        {
            md.Append("Groups of **").Append(ModelCardMarkdown.Cell(fairness.Attribute)).Append("** over ").Append(fairness.Rows.ToString(CultureInfo.InvariantCulture))
                .Append(" reference rows; demographic-parity difference ").Append(ModelCardMarkdown.Difference(fairness.Report.DemographicParityDifference))
                .Append(", equal-opportunity difference ").Append(ModelCardMarkdown.Difference(fairness.Report.EqualOpportunityDifference)).Append(".\n\n");
            md.Append("| Group | Rows | Selection rate | True positive rate |\n|---|---:|---:|---:|\n");
            foreach (var slice in fairness.Report.Slices)
            {
                Row(md, ModelCardMarkdown.Cell(slice.Group), slice.Count.ToString(CultureInfo.InvariantCulture),
                    ModelCardMarkdown.Percent(slice.SelectionRate), ModelCardMarkdown.Percent(slice.TruePositiveRate));
            }

            md.Append('\n');
        }

        md.Append("### Quality gates and approvals\n\n");
        if (requests.Count == 0)
        {
            md.Append("No promotion request was made for this version, so no gates ran and no approval is recorded.\n\n");
            return;
        }

        foreach (var request in requests)
        {
            var target = request.TargetAlias is { } alias ? $"alias {ModelCardMarkdown.Cell(alias)}" : $"stage {ModelCardMarkdown.Cell(request.TargetStage ?? "?")}";
            md.Append("**Request ").Append(request.Id.ToString()).Append("** to give this version the ").Append(target)
                .Append(": ").Append(ModelCardMarkdown.Cell(request.State)).Append(", requested by ").Append(ModelCardMarkdown.Cell(request.RequestedBy))
                .Append(" at ").Append(ModelCardMarkdown.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(request.RequestedAt)))
                .Append("; gates ").Append(request.GatesPassed ? "passed" : "failed").Append(".\n\n");
            var gates = GateRows(request.EvidenceJson);
            if (gates.Count > 0)
            {
                md.Append("| Gate | Check | Verdict | Detail |\n|---|---|---|---|\n");
                foreach (var (gate, check, verdict, detail) in gates)
                {
                    Row(md, ModelCardMarkdown.Cell(gate), ModelCardMarkdown.Cell(check), ModelCardMarkdown.Cell(verdict), ModelCardMarkdown.Cell(detail));
                }

                md.Append('\n');
            }

            if (request.Decisions.Count == 0)
            {
                md.Append("No approval or rejection is recorded.\n\n");
                continue;
            }

            md.Append("| Decision | By | At | Comment |\n|---|---|---|---|\n");
            foreach (var decision in request.Decisions.OrderBy(d => d.At))
            {
                Row(md, ModelCardMarkdown.Cell(decision.Decision), ModelCardMarkdown.Cell(decision.Actor),
                    ModelCardMarkdown.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(decision.At)), ModelCardMarkdown.Cell(decision.Comment));
            }

            md.Append('\n');
        }
    }

    private static List<(string Gate, string Check, string Verdict, string Detail)> GateRows(string evidenceJson)
    {
        var rows = new List<(string, string, string, string)>();
        try
        {
            using var document = JsonDocument.Parse(evidenceJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
            {
                foreach (var result in results.EnumerateArray())
                {
                    rows.Add((Text(result, "gate"), Text(result, "check"), Text(result, "verdict"), Text(result, "detail")));
                }
            }
        }
        catch (JsonException)
        {
            // Unreadable evidence: the request's line above still says whether the gates passed.
        }

        return rows;

        static string Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : value.GetRawText() : string.Empty;
    }

    private static void Monitoring(StringBuilder md, List<(string Endpoint, string Role)> serving, List<MonitorDefinition> watching, IReadOnlyList<AlertWebhook> hooks)
    {
        md.Append("## 5. Monitoring plan\n\n");
        if (serving.Count == 0)
        {
            md.Append("This version is not served by any endpoint.\n\n");
        }
        else
        {
            md.Append("Served by: ").Append(string.Join(", ", serving.Select(s => $"{ModelCardMarkdown.Cell(s.Endpoint)} ({s.Role})"))).Append(".\n\n");
        }

        if (watching.Count == 0)
        {
            md.Append("No monitors are configured for the endpoints serving this version.\n\n");
        }
        else
        {
            md.Append("| Monitor | Endpoint | Window | Schedule | Checks and thresholds |\n|---|---|---|---|---|\n");
            foreach (var monitor in watching.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                MonitorSpec spec;
                try
                {
                    spec = JsonSerializer.Deserialize(monitor.SpecJson, MonitoringJsonContext.Default.MonitorSpec) ?? new MonitorSpec();
                }
                catch (JsonException)
                {
                    spec = new MonitorSpec();
                }

                Row(md, ModelCardMarkdown.Cell(monitor.Name), ModelCardMarkdown.Cell(monitor.EndpointName), Window(spec.WindowSeconds),
                    spec.Schedule is { } schedule ? ModelCardMarkdown.Cell(schedule) : "on demand", Checks(spec));
            }

            md.Append('\n');
        }

        if (hooks.Count == 0)
        {
            md.Append("No alert webhooks are configured: alerts are visible on the dashboard and through the API only.\n\n");
            return;
        }

        md.Append("Alerts are posted to: ")
            .Append(string.Join(", ", hooks.OrderBy(h => h.Name, StringComparer.Ordinal).Select(h => $"{ModelCardMarkdown.Cell(h.Name)} (host {ModelCardMarkdown.Cell(Host(h.Url))})")))
            .Append(".\n\n");
    }

    private static string Host(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "unknown";

    private static string Window(long seconds) => seconds % 86_400 == 0
        ? $"{(seconds / 86_400).ToString(CultureInfo.InvariantCulture)} d"
        : seconds % 3600 == 0 ? $"{(seconds / 3600).ToString(CultureInfo.InvariantCulture)} h" : $"{seconds.ToString(CultureInfo.InvariantCulture)} s";

    private static string Checks(MonitorSpec spec)
    {
        var parts = new List<string> { $"at least {spec.MinRows.ToString(CultureInfo.InvariantCulture)} rows" };
        if (spec.Drift is { } drift)
        {
            parts.Add($"drift: method {ModelCardMarkdown.Cell(drift.Method ?? "by column type")}, threshold {(drift.Threshold is { } t ? ModelCardMarkdown.Number(t) : "the method's default")}, dataset share {ModelCardMarkdown.Number(drift.DriftShare)}{(drift.Prediction ? ", prediction drift" : string.Empty)}");
        }

        if (spec.Quality is { } quality)
        {
            parts.Add($"quality: missing ≤ {ModelCardMarkdown.Percent(quality.MaxMissingRate)}, out of range ≤ {ModelCardMarkdown.Percent(quality.MaxOutOfRangeRate)}, unseen categories ≤ {ModelCardMarkdown.Percent(quality.MaxUnseenCategoryRate)}, invalid ≤ {ModelCardMarkdown.Percent(quality.MaxInvalidRate)}");
        }

        if (spec.Performance is { } performance)
        {
            var bounds = new List<string>();
            if (performance.Min is { } min)
            {
                bounds.Add($"≥ {ModelCardMarkdown.Number(min)}");
            }

            if (performance.Max is { } max)
            {
                bounds.Add($"≤ {ModelCardMarkdown.Number(max)}");
            }

            parts.Add($"performance: {ModelCardMarkdown.Cell(performance.Metric)} {(bounds.Count > 0 ? string.Join(" and ", bounds) : "reported, no bound")}");
        }

        return string.Join("; ", parts);
    }

    private static void Oversight(StringBuilder md, List<(string Endpoint, string Role)> serving, List<EndpointOversight> settings)
    {
        md.Append("## 6. Human oversight measures\n\n");
        if (settings.Count == 0)
        {
            md.Append("This version is not served by any endpoint, so no oversight settings apply.\n\n");
            return;
        }

        md.Append("| Endpoint | Suspended | Review band | Override-rate limit | Overrides as ground truth | Subject field | Retention |\n|---|---|---|---|---|---|---|\n");
        foreach (var s in settings)
        {
            var suspended = s.Suspended
                ? $"yes, since {(s.SuspendedAt is { } at ? ModelCardMarkdown.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(at)) : "unknown")} by {ModelCardMarkdown.Cell(s.SuspendedBy ?? "unknown")}{(s.SuspendReason is { } why ? ": " + ModelCardMarkdown.Cell(why) : string.Empty)}; fallback {ModelCardMarkdown.Cell(s.FallbackJson ?? EndpointOversight.DefaultFallbackJson)}"
                : $"no (an approver can suspend it; it then answers {ModelCardMarkdown.Cell(s.FallbackJson ?? EndpointOversight.DefaultFallbackJson)})";
            var band = s.ReviewBandLow is { } low && s.ReviewBandHigh is { } high
                ? $"{ModelCardMarkdown.Number(low)} to {ModelCardMarkdown.Number(high)} on the probability of {ModelCardMarkdown.Cell(s.ReviewScoreClass ?? "the positive class")}"
                : "no review queue";
            Row(md, ModelCardMarkdown.Cell(s.EndpointName), suspended, band,
                s.OverrideRateLimit is { } limit ? ModelCardMarkdown.Percent(limit) : "no check",
                s.OverridesAsGroundTruth ? "yes" : "no",
                s.SubjectField is { } field ? ModelCardMarkdown.Cell(field) + " (stored as a keyed hash)" : "none",
                s.RetentionDays is { } days ? $"{days.ToString(CultureInfo.InvariantCulture)} days" : "the server's default");
        }

        md.Append('\n');
        md.Append("Every prediction is logged with its inputs and output; a person can confirm, override or escalate any logged decision, and each review is audited.\n\n");
    }

    private static void ChangeLog(StringBuilder md, List<AuditEvent> events)
    {
        md.Append("## 7. Change log\n\n");
        if (events.Count == 0)
        {
            md.Append("The audit trail holds no event about this model, this version or the endpoints serving it.\n\n");
            return;
        }

        md.Append("From the audit trail (events on the model, this version and the endpoints serving it; `ferry audit verify` checks the chain):\n\n");
        md.Append("| # | When | Who | Action | Target |\n|---:|---|---|---|---|\n");
        foreach (var e in events)
        {
            Row(md, e.Sequence.ToString(CultureInfo.InvariantCulture), ModelCardMarkdown.Timestamp(e.OccurredAt), ModelCardMarkdown.Cell(e.Actor),
                ModelCardMarkdown.Cell(e.Action), ModelCardMarkdown.Cell(e.Target));
        }

        md.Append('\n');
    }

    private static void Paragraph(StringBuilder md, string title, string? text, string missing)
    {
        md.Append("**").Append(title).Append(".** ");
        md.Append(text is { } t && !string.IsNullOrWhiteSpace(t) ? ModelCardMarkdown.Text(t) : missing).Append("\n\n");
    }

    private static string Or(string? text, string missing) => text is { } t && !string.IsNullOrWhiteSpace(t) ? ModelCardMarkdown.Cell(t) : missing;

    private static void Row(StringBuilder md, params string[] cells)
    {
        md.Append('|');
        foreach (var cell in cells)
        {
            md.Append(' ').Append(cell.Length == 0 ? " " : cell).Append(" |");
        }

        md.Append('\n');
    }
}
