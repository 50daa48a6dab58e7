using System.Security.Cryptography;
using System.Text;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Server.Governance;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// One promotion request: its frozen evidence (gate checks, metrics beside the champion's, ROC curves, fairness, the
/// model-card diff), the decisions so far, and the approve, reject and withdraw forms the signed-in person may use.
/// The forms carry an antiforgery token and post to <see cref="PromotionService"/>, the same service the API uses, so
/// its rules (approver role or group, four eyes, one approval each, no approval while a gate fails) hold for a forged
/// post too.
/// </summary>
public static class PromotionRequestPage
{
    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, Guid id, PromotionService service, PromotionAccess access, CardFieldsReader cards, IModelCardStore cardStore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        PromotionRequest request;
        try
        {
            request = await service.GetAsync(id, cancellationToken);
        }
        catch (NotFoundException e)
        {
            return NotFoundPage.Render(context, e.Message);
        }

        if (!await DashboardPermissions.MayAsync(context, request.ModelName, PermissionLevel.Read, cancellationToken))
        {
            return NotFoundPage.Render(context, Unknown(id));
        }

        return await RenderAsync(context, request, access, cards, cardStore, null, StatusCodes.Status200OK, cancellationToken);
    }

    /// <summary>Approves (POST, antiforgery-protected); the comment is optional.</summary>
    public static Task<IResult> ApproveAsync(HttpContext context, Guid id, PromotionService service, PromotionAccess access, CardFieldsReader cards, IModelCardStore cardStore) =>
        DecideAsync(context, id, "approve", service, access, cards, cardStore);

    /// <summary>Rejects (POST, antiforgery-protected); the comment is required.</summary>
    public static Task<IResult> RejectAsync(HttpContext context, Guid id, PromotionService service, PromotionAccess access, CardFieldsReader cards, IModelCardStore cardStore) =>
        DecideAsync(context, id, "reject", service, access, cards, cardStore);

    /// <summary>Withdraws (POST, antiforgery-protected; the requester only).</summary>
    public static Task<IResult> WithdrawAsync(HttpContext context, Guid id, PromotionService service, PromotionAccess access, CardFieldsReader cards, IModelCardStore cardStore) =>
        DecideAsync(context, id, "withdraw", service, access, cards, cardStore);

    private static async Task<IResult> DecideAsync(HttpContext context, Guid id, string verb, PromotionService service, PromotionAccess access, CardFieldsReader cards, IModelCardStore cardStore)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(service);
        var cancellationToken = context.RequestAborted;
        PromotionRequest request;
        try
        {
            request = await service.GetAsync(id, cancellationToken);
        }
        catch (NotFoundException e)
        {
            return NotFoundPage.Render(context, e.Message);
        }

        // Before anything else: READ on the model (EDIT to withdraw), as the API's routes; refused as if unknown.
        if (!await DashboardPermissions.MayAsync(context, request.ModelName, verb == "withdraw" ? PermissionLevel.Edit : PermissionLevel.Read, cancellationToken))
        {
            return NotFoundPage.Render(context, Unknown(id));
        }

        // First: once the antiforgery check failed, ASP.NET Core refuses to look at the form at all.
        if (!SameOrigin(context.Request) || !await DashboardForms.IsValidAsync(context) || !context.Request.HasFormContentType)
        {
            return await RenderAsync(context, request, access, cards, cardStore, SignInPage.ForgedFormMessage, StatusCodes.Status400BadRequest, cancellationToken);
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var comment = form["comment"].ToString().Trim();
        if (verb == "reject" && comment.Length == 0)
        {
            return await RenderAsync(context, request, access, cards, cardStore, "Say why you reject the request: the comment is required.", StatusCodes.Status400BadRequest, cancellationToken);
        }

        try
        {
            _ = verb switch
            {
                "approve" => (await service.ApproveAsync(id, comment, context.User, cancellationToken)).Request,
                "reject" => await service.RejectAsync(id, comment, context.User, cancellationToken),
                _ => await service.WithdrawAsync(id, context.User, cancellationToken),
            };
        }
        catch (ConflictException e)
        {
            return await RenderAsync(context, await service.GetAsync(id, cancellationToken), access, cards, cardStore, $"Refused: {e.Message}", StatusCodes.Status409Conflict, cancellationToken);
        }
        catch (ValidationException e)
        {
            return await RenderAsync(context, request, access, cards, cardStore, e.Message, StatusCodes.Status400BadRequest, cancellationToken);
        }

        return TypedResults.Redirect(DashboardLinks.Promotion(id));
    }

    private static async Task<IResult> RenderAsync(HttpContext context, PromotionRequest request, PromotionAccess access, CardFieldsReader cards, IModelCardStore cardStore, string? error, int status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(cardStore);
        var evidence = PromotionAccess.EvidenceOf(request);
        var policy = PromotionAccess.PolicyOf(request);
        var actions = await access.ForAsync(request, context.User, cancellationToken);
        var candidateCard = await cards.FieldsAsync(request.ModelName, request.Version, cancellationToken);
        var championCard = request.ChampionVersion is { } champion ? await cards.FieldsAsync(request.ModelName, champion, cancellationToken) : null;
        var cardJson = await cardStore.FindAsync(request.ModelName, request.Version, cancellationToken);
        var cardHash = cardJson is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cardJson)));
        var target = Target(request);
        var (pass, fail, na) = PromotionEvidenceSections.Counts(evidence);

        var message = error is null ? Html.Empty : Html.Of($"<p class=\"error\" role=\"alert\" id=\"decision-error\">{error}</p>");
        var facts = Html.Of($"""
            <dl class="facts" id="request-facts">
            <dt>State</dt><dd>{StateBadge(request.State)}</dd>
            <dt>Model</dt><dd><a href="{DashboardLinks.Model(request.ModelName)}">{request.ModelName}</a> v{request.Version}</dd>
            <dt>Target</dt><dd>{target}{(request.ChampionVersion is { } now ? $" (held by v{now} when requested)" : " (held by no version when requested)")}</dd>
            <dt>Requested</dt><dd>{Ui.Time(request.RequestedAt)} by <strong>{request.RequestedBy}</strong></dd>
            <dt>Justification</dt><dd>{(request.Justification.Length == 0 ? "–" : request.Justification)}</dd>
            <dt>{(request.State == PromotionStates.Pending ? "Expires" : "Closed")}</dt><dd>{(request.State == PromotionStates.Pending ? Ui.Time(request.ExpiresAt) : request.ClosedAt is { } closed ? Html.Of($"{Ui.Time(closed)} by {request.ClosedBy}") : Html.Text("–"))}</dd>
            <dt>Approvals</dt><dd>{PromotionAccess.ApprovalsSoFar(request)} of {PromotionAccess.ApprovalsNeeded(request)}</dd>
            <dt>Policy</dt><dd>tier {policy.Tier.ToString().ToLowerInvariant()}, revision {request.PolicyRevision}; approvers: {Approvers(policy)}</dd>
            <dt>Gates</dt><dd>{(request.GatesPassed ? Ui.Badge("all passed", Ui.Tone.Ok) : Ui.Badge("failed", Ui.Tone.Fail))} {pass} passed, {fail} failed, {na} not applicable</dd>
            {(request.PreviousVersion is { } previous ? Html.Of($"<dt>Moved from</dt><dd>v{previous}</dd>") : Html.Empty)}
            </dl>
            """);
        var cardNote = request.CardSha256 is null
            ? Html.Raw("<p class=\"hint\">The candidate had no model card when the request was made.</p>")
            : string.Equals(cardHash, request.CardSha256, StringComparison.Ordinal)
                ? Html.Of($"<p class=\"hint\">The candidate's card is unchanged since the request (SHA-256 <code>{request.CardSha256[..12]}</code>…).</p>")
                : Html.Of($"<p class=\"error\" id=\"card-changed\">The candidate's model card changed after the request was made: the frozen SHA-256 was <code>{request.CardSha256[..12]}</code>…, the card now hashes to <code>{cardHash?[..12] ?? "nothing"}</code>…. The fields below are the current ones.</p>");
        var body = Html.Join(
        [
            message,
            facts,
            Html.Raw("<h2 id=\"decide-heading\">Decision</h2>"),
            Forms(context, request, actions),
            Html.Raw("<h2>Decisions so far</h2>"),
            Decisions(request),
            Html.Raw("<h2 id=\"gates\">Gate checks</h2>"),
            PromotionEvidenceSections.Gates(evidence),
            Html.Raw("<h2 id=\"metrics\">Candidate against champion</h2>"),
            PromotionEvidenceSections.Metrics(evidence, request.Version, request.ChampionVersion),
            PromotionEvidenceSections.Roc(evidence, request.Version, request.ChampionVersion),
            Html.Raw("<h2 id=\"fairness\">Fairness</h2>"),
            PromotionEvidenceSections.Fairness(evidence, request.Version, request.ChampionVersion),
            Html.Raw("<h2 id=\"card\">Model card</h2>"),
            cardNote,
            PromotionEvidenceSections.CardDiff(candidateCard, championCard, request.Version, request.ChampionVersion),
        ]);
        return Layout.Page(context, status, Layout.Section.Approvals, $"Promotion of {request.ModelName} v{request.Version} to {target}",
            Html.Text("The evidence was frozen when the request was made; approvers decide on it. The last approval the policy needs moves the target."),
            body, new Crumb("Approvals", DashboardLinks.Approvals), new Crumb(request.ModelName, DashboardLinks.Model(request.ModelName)));
    }

    /// <summary>What a refused request page says: the words of an unknown request, so it reveals nothing.</summary>
    private static string Unknown(Guid id) => $"No promotion request has id {id}.";

    /// <summary>The alias (e.g. <c>champion</c>) or the stage a request targets.</summary>
    public static string Target(PromotionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.TargetAlias ?? $"stage {request.TargetStage}";
    }

    /// <summary>A request's state as a badge.</summary>
    public static Html StateBadge(string state) => state switch
    {
        PromotionStates.Pending => Ui.Badge("pending", Ui.Tone.Warn),
        PromotionStates.Approved => Ui.Badge("approved", Ui.Tone.Ok),
        PromotionStates.Rejected => Ui.Badge("rejected", Ui.Tone.Fail),
        _ => Ui.Badge(state, Ui.Tone.None),
    };

    /// <summary>Who may approve under a policy, in words.</summary>
    public static string Approvers(PromotionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var who = policy.ApproverGroup is { } group ? $"members of group {group}" : $"{policy.ApproverRole ?? PromotionPolicy.DefaultApproverRole} role or above";
        return who + (policy.RequesterMayApprove ? ", the requester included" : ", not the requester");
    }

    private static Html Forms(HttpContext context, PromotionRequest request, PromotionActions actions)
    {
        var forms = new List<Html>();
        if (actions.Why is { } why)
        {
            forms.Add(Html.Of($"<p class=\"hint\" id=\"why-no-approve\">{why}</p>"));
        }

        var field = actions.MayApprove || actions.MayReject || actions.MayWithdraw ? DashboardForms.Field(context) : Html.Empty;
        if (actions.MayApprove)
        {
            forms.Add(Html.Of($"""
                <form class="decide approve" method="post" action="{DashboardLinks.Promotion(request.Id)}/approve">{field}
                <label for="approve-comment">Comment (optional)</label>
                <textarea id="approve-comment" name="comment" rows="3" maxlength="2000"></textarea>
                <button type="submit">Approve</button>
                </form>
                """));
        }

        if (actions.MayReject)
        {
            forms.Add(Html.Of($"""
                <form class="decide reject" method="post" action="{DashboardLinks.Promotion(request.Id)}/reject">{field}
                <label for="reject-comment">Why reject (required)</label>
                <textarea id="reject-comment" name="comment" rows="3" maxlength="2000" required></textarea>
                <button type="submit">Reject</button>
                </form>
                """));
        }

        if (actions.MayWithdraw)
        {
            forms.Add(Html.Of($"""
                <form class="decide withdraw" method="post" action="{DashboardLinks.Promotion(request.Id)}/withdraw">{field}
                <p class="hint">You opened this request; you may withdraw it while it is pending.</p>
                <button type="submit">Withdraw the request</button>
                </form>
                """));
        }

        return Html.Of($"<div class=\"decisions\" aria-labelledby=\"decide-heading\">{Html.Join(forms)}</div>");
    }

    private static Html Decisions(PromotionRequest request)
    {
        var decisions = request.Decisions.OrderBy(d => d.At).ThenBy(d => d.Id).ToList();
        return decisions.Count == 0
            ? Ui.Empty("Nobody has decided yet.", Html.Text($"The request needs {PromotionAccess.ApprovalsNeeded(request)} approval(s)."))
            : Ui.Table("Approvals and rejections, oldest first",
                Html.Raw("<th scope=\"col\">Who</th><th scope=\"col\">Decision</th><th scope=\"col\">Comment</th><th scope=\"col\">When</th>"),
                Html.Each(decisions, d => Html.Of($"""
                    <tr><th scope="row">{d.Actor}</th><td>{(d.Decision == "approve" ? Ui.Badge("approved", Ui.Tone.Ok) : Ui.Badge("rejected", Ui.Tone.Fail))}</td>
                    <td>{(d.Comment.Length == 0 ? "–" : d.Comment)}</td><td>{Ui.Time(d.At)}</td></tr>
                    """)));
    }

    private static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
