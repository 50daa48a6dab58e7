using System.Security.Claims;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Server.Identity;
using Ferry.Server.Oversight.Subjects;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Oversight;

/// <summary>
/// Data-subject rights: an endpoint's subject field (approver), a subject's export (approver) and erasure (admin). The
/// subject's key travels only in request bodies, never in a URL, so it reaches no access log; answers name the keyed
/// hash, not the key.
/// </summary>
public static class SubjectsApi
{
    /// <summary>Longest subject field name.</summary>
    public const int MaxFieldLength = 256;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapSubjectsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPut("/api/v1/endpoints/{name}/subject-field", SetFieldAsync).WithTags("Endpoints").RequireAuthorization(FerryPolicies.Approver)
            .WithName("SetEndpointSubjectField")
            .WithSummary("Names the input field that carries the data subject's key: {\"field\": \"applicant_id\"} (or null). Its value is logged only as a keyed hash.");
        var group = routes.MapGroup("/api/v1/subjects").WithTags("Subjects");
        group.MapPost("/export", ExportAsync).RequireAuthorization(FerryPolicies.Approver).WithName("ExportSubject")
            .WithSummary("Every decision about a data subject, with explanation, reviews and ground truth: {\"key\": \"...\"}. Audited.");
        group.MapPost("/erase", EraseAsync).RequireAuthorization(FerryPolicies.Admin).WithName("EraseSubject")
            .WithSummary("Erases a data subject's personal inputs from the prediction log, ground truth and monitoring profiles, keeping each decision's record: {\"key\": \"...\"}. Audited.");
        return routes;
    }

    /// <summary>Sets or clears an endpoint's subject field.</summary>
    public static async Task<IResult> SetFieldAsync(string name, HttpRequest request, IEndpointOversightStore store, PolicyCache policies, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        var body = await RequestJson.DeserializeAsync(request, SubjectsJsonContext.Default.SubjectFieldRequest, cancellationToken)
            ?? throw new ValidationException("body", "must be a JSON object: {\"field\": \"applicant_id\"} or {\"field\": null}");
        var field = body.Field;
        if (field is not null && (field.Length == 0 || field.Length > MaxFieldLength || field.Any(char.IsControl)))
        {
            throw new ValidationException("field", $"must be an input field name of 1 to {MaxFieldLength} printable characters, or null");
        }

        var settings = await store.UpdateAsync(name, "endpoint.subject-field", o => o.SubjectField = field, user.ActorName(), cancellationToken);
        await policies.RefreshAsync(name, cancellationToken);
        return TypedResults.Json(new SubjectFieldView(name, settings.SubjectField), SubjectsJsonContext.Default.SubjectFieldView);
    }

    /// <summary>Exports a subject's decisions.</summary>
    public static async Task<IResult> ExportAsync(HttpRequest request, SubjectService subjects, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var key = await KeyAsync(request, cancellationToken);
        var export = await subjects.ExportAsync(key, user.ActorName(), cancellationToken);
        return TypedResults.Json(export, SubjectsJsonContext.Default.SubjectExportView);
    }

    /// <summary>Erases a subject's personal inputs.</summary>
    public static async Task<IResult> EraseAsync(HttpRequest request, SubjectService subjects, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var key = await KeyAsync(request, cancellationToken);
        var erasure = await subjects.EraseAsync(key, user.ActorName(), cancellationToken);
        return TypedResults.Json(erasure, SubjectsJsonContext.Default.SubjectErasureView);
    }

    private static async Task<string?> KeyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestJson.DeserializeAsync(request, SubjectsJsonContext.Default.SubjectKeyRequest, cancellationToken);
        return body?.Key;
    }
}
