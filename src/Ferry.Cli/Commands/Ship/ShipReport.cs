namespace Ferry.Cli.Commands.Ship;

/// <summary>The names and outcomes of <c>ferry ship</c>'s steps.</summary>
internal static class ShipSteps
{
    public const string Register = "register";
    public const string Reference = "reference";
    public const string Deploy = "deploy";
    public const string Monitors = "monitors";
    public const string Check = "check";

    public static readonly IReadOnlyList<(string Name, string Title)> All =
    [
        (Register, "Register the model"),
        (Reference, "Compute the reference"),
        (Deploy, "Deploy the endpoint"),
        (Monitors, "Create the monitors"),
        (Check, "Check an explained prediction"),
    ];

    /// <summary>Something new was made (a version, a reference, an endpoint, a monitor).</summary>
    public const string Created = "created";

    /// <summary>The endpoint's traffic moved to the version (all of it, or a canary share).</summary>
    public const string Switched = "switched";

    /// <summary>What was there already is what was asked for: nothing changed.</summary>
    public const string Unchanged = "unchanged";

    /// <summary>A check that changes nothing passed.</summary>
    public const string Passed = "passed";

    /// <summary>Whether an outcome changed anything on the server.</summary>
    public static bool Changes(string outcome) => outcome is Created or Switched;
}

/// <summary>One step's result.</summary>
/// <param name="Step">register, reference, deploy, monitors or check.</param>
/// <param name="Outcome">created, switched, unchanged or passed.</param>
/// <param name="Detail">What was done or found, in words.</param>
internal sealed record ShipStepResult(string Step, string Outcome, string Detail);

/// <summary>Where the shipped model answers.</summary>
/// <param name="Predict">The predict route (add <c>?explain=true</c> for explanations).</param>
/// <param name="Explain">The explain route (explains without logging).</param>
/// <param name="Dashboard">The endpoint's dashboard page.</param>
/// <param name="Explanations">The dashboard's list of logged predictions, each with its explanation.</param>
internal sealed record ShipLinks(string Predict, string Explain, string Dashboard, string Explanations);

/// <summary>What <c>ferry ship --output json</c> prints.</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Version">The version shipped.</param>
/// <param name="Endpoint">The endpoint serving it.</param>
/// <param name="Changed">False when the run changed nothing (everything was already in place).</param>
/// <param name="Steps">Each step's result, in order.</param>
/// <param name="Monitors">The endpoint's default monitors.</param>
/// <param name="Links">Where it answers.</param>
/// <param name="Curl">A sample request for the first reference row.</param>
internal sealed record ShipReport(string Model, int Version, string Endpoint, bool Changed, IReadOnlyList<ShipStepResult> Steps,
    IReadOnlyList<string> Monitors, ShipLinks Links, string Curl);
