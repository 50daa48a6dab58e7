using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ferry.Server.Errors;

namespace Ferry.Server.Endpoints.Mlflow;

/// <summary>
/// MLflow's JSON conventions: snake_case names, unknown fields ignored, 64-bit integers as numbers (strings
/// accepted), non-finite doubles as "NaN"/"Infinity"/"-Infinity", absent fields omitted rather than null.
/// Each feature declares its messages in its own source-generated context built on <see cref="Options"/>.
/// </summary>
public static class MlflowJson
{
    /// <summary>The shared options (also the base of every MLflow source-generated context).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = false,
    };

    /// <summary>
    /// Reads a request body; an empty body reads as <c>{}</c> (as MLflow's server does). A malformed or
    /// mistyped body, or a string that is not valid UTF-8 or holds NUL (<see cref="RequestText"/>), raises
    /// <see cref="MlflowException"/> naming the field.
    /// </summary>
    public static async Task<T> ReadBodyAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo)
        where T : new()
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            if (request.ContentLength == 0)
            {
                return new T();
            }

            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            if (buffer.Length == 0 || IsWhitespace(buffer))
            {
                return new T();
            }

            var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            RequestText.CheckJson(json);
            return JsonSerializer.Deserialize(json, typeInfo) ?? new T();
        }
        catch (JsonException e)
        {
            throw new MlflowException(MlflowErrorCodes.InvalidParameterValue, MlflowErrors.Describe(e));
        }
        catch (Ferry.Core.Errors.ValidationException e)
        {
            var (field, why) = e.Errors.First();
            throw MlflowException.InvalidParameter(field, why[0]);
        }
    }

    /// <summary>Writes a 200 JSON answer with the given message.</summary>
    public static IResult Ok<T>(T message, JsonTypeInfo<T> typeInfo) => TypedResults.Json(message, typeInfo, "application/json");

    /// <summary>The empty answer <c>{}</c>.</summary>
    public static IResult Empty() => TypedResults.Text("{}", "application/json");

    private static bool IsWhitespace(MemoryStream buffer)
    {
        foreach (var b in buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Reads a JSON string or number as a string: MLflow ids such as <c>experiment_id</c> are strings on the wire,
/// but older clients send numbers.
/// </summary>
public sealed class StringOrNumberConverter : JsonConverter<string>
{
    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray()),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"expected a string or a number, found {reader.TokenType}"),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

/// <summary>Query-string access as MLflow's GET routes need it.</summary>
public static class MlflowQuery
{
    /// <summary>A required query parameter, or 400 <c>INVALID_PARAMETER_VALUE</c> naming it.</summary>
    public static string Required(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Query[name].ToString();
        return string.IsNullOrEmpty(value) ? throw MlflowException.MissingParameter(name) : value;
    }

    /// <summary>An optional query parameter.</summary>
    public static string? Optional(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Query[name].ToString();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>A run id from <c>run_id</c>, falling back to the deprecated <c>run_uuid</c> (clients send both).</summary>
    public static string RunId(HttpRequest request) =>
        Optional(request, "run_id") ?? Optional(request, "run_uuid") ?? throw MlflowException.MissingParameter("run_id");

    /// <summary>An optional integer parameter, or 400 when it is not one.</summary>
    public static long? OptionalInt64(HttpRequest request, string name)
    {
        var text = Optional(request, name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw MlflowException.InvalidParameter(name, $"'{text}' is not an integer");
    }
}
