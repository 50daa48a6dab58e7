using Ferry.Core.Contracts;
using Ferry.Core.Explain;
using Ferry.Core.Serving;
using Ferry.Explain;
using Ferry.Explain.Reasons;

namespace Ferry.Server.Explain;

/// <summary>Turns explanations of a batch into the API's views, with reason codes.</summary>
public static class ExplanationViews
{
    /// <summary>Explains every row of <paramref name="batch"/>.</summary>
    public static IReadOnlyList<ExplanationView> Explain(ExplainContext context, ResolvedRoute route, ILoadedModel model, FeatureBatch batch, ReasonSettings reasons, IReadOnlyList<Guid>? predictionIds = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(reasons);
        var explainer = context.Explainer switch
        {
            VectorRowExplainer { Interventional: { } interventional } when reasons.Interventional => interventional,
            KernelRowExplainer kernel when reasons.Samples is { } samples && samples != kernel.SampleCount => kernel.WithSamples(samples),
            var chosen => chosen,
        };
        var classes = explainer.Classes;
        var adverse = classes?.ToList().FindIndex(c => string.Equals(c, context.Reference.Entry.PositiveLabel, StringComparison.OrdinalIgnoreCase)) ?? -1;
        var perClass = explainer.ExplainClasses(batch);
        var views = new List<ExplanationView>(perClass.Count);
        for (var i = 0; i < perClass.Count; i++)
        {
            var row = BatchRows.Row(batch, model.Features, i);

            // A multiclass row is explained for every class; its top level (and its reason codes) is the adverse class
            // when the reference names one of the classes as positive, else the predicted class.
            var chosen = classes is null ? 0 : adverse >= 0 ? adverse : RowExplainer.PredictedIndex(perClass[i]);
            var explanation = perClass[i][chosen];
            var codes = ReasonCodes.Build(explanation, row, context.Typical, new ReasonCodeOptions { Count = reasons.Count, Outcome = reasons.Outcome })
                .Select(c => new ReasonCodeView(c.Rank, c.Feature, c.Value, c.TypicalValue, c.Contribution, c.Sentence))
                .ToList();
            var classViews = classes is null ? null
                : perClass[i].Select((e, k) => new ClassExplanationView(classes[k], e.BaseValue, e.Output, Attributions(e, row, explainer))).ToList();
            views.Add(new ExplanationView(route.ModelName, route.Version, explainer.Method, explainer.Space, explanation.BaseValue, explanation.Output,
                Attributions(explanation, row, explainer), codes, predictionIds?[i], explainer.Note,
                classes?[chosen], classViews));
        }

        return views;
    }

    private static List<AttributionView> Attributions(Explanation explanation, IReadOnlyDictionary<string, object?> row, RowExplainer explainer) =>
        [.. explanation.Attributions
            .Select((value, index) => (Feature: explanation.FeatureName(index), Value: value, Error: explanation.StandardErrors is { } e ? e[index] : (double?)null))
            .OrderByDescending(a => Math.Abs(a.Value)).ThenBy(a => a.Feature, StringComparer.Ordinal)
            .Select(a => new AttributionView(a.Feature, row.GetValueOrDefault(a.Feature), a.Value, explainer.Method == ExplanationMethods.KernelShap ? a.Error : null))];
}
