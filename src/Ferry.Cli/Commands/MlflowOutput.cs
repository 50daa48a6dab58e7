using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Client;

namespace Ferry.Cli.Commands;

/// <summary>Printing MLflow-shaped results: snake_case JSON exactly as the MLflow API spells it, epoch-ms times as UTC.</summary>
internal static class MlflowOutput
{
    private static readonly JsonSerializerOptions Indented = new(MlflowJson.Options) { WriteIndented = true };

    /// <summary>Writes a value as indented snake_case JSON on stdout.</summary>
    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>An epoch-ms time as <c>yyyy-MM-dd HH:mm:ssZ</c>, or "-".</summary>
    public static string Time(long? epochMilliseconds) =>
        epochMilliseconds is { } ms and > 0 ? TableFormat.Time(DateTimeOffset.FromUnixTimeMilliseconds(ms)) : "-";

    /// <summary>A metric value in a short invariant form.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
