namespace Ferry.Core.Errors;

/// <summary>Base of the errors Ferry reports to callers; the HTTP layer maps each kind to a status code.</summary>
public abstract class FerryException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected FerryException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>The thing asked for does not exist (HTTP 404).</summary>
public sealed class NotFoundException(string message) : FerryException(message);

/// <summary>The request conflicts with the current state (HTTP 409).</summary>
public sealed class ConflictException(string message) : FerryException(message);

/// <summary>The request is malformed or invalid (HTTP 400); <see cref="Errors"/> names each field and why.</summary>
public sealed class ValidationException : FerryException
{
    /// <summary>Creates a validation error for one field.</summary>
    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    /// <summary>Creates a validation error for several fields.</summary>
    public ValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base("One or more fields are invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
    {
        Errors = errors;
    }

    /// <summary>Messages per field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>
/// The named thing already exists (HTTP 409 on Ferry's API; MLflow's <c>RESOURCE_ALREADY_EXISTS</c>, 400, on MLflow routes).
/// </summary>
public sealed class AlreadyExistsException(string message) : FerryException(message);
