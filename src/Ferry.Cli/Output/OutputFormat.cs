namespace Ferry.Cli.Output;

/// <summary>How a command prints its result (<c>--output</c>).</summary>
internal enum OutputFormat
{
    /// <summary>Human-readable tables and sentences.</summary>
    Table,

    /// <summary>The API's JSON, indented, for scripts.</summary>
    Json,
}
