using Ferry.Core.Errors;

namespace Ferry.Core.Signatures;

/// <summary>
/// A model file could not be read: it is corrupt, truncated, not a model of the declared flavor, or too large.
/// The message is one line that names the reason and is safe to show to the caller (HTTP 400).
/// </summary>
public sealed class InvalidModelException : FerryException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="flavor">The flavor the file was read as.</param>
    /// <param name="reason">One line saying why the file was refused.</param>
    /// <param name="inner">The runtime's own error, kept for logs.</param>
    public InvalidModelException(ModelFlavor flavor, string reason, Exception? inner = null)
        : base($"The file is not a readable {Describe(flavor)} model: {reason}", inner)
    {
        Flavor = flavor;
        Reason = reason;
    }

    /// <summary>The flavor the file was read as.</summary>
    public ModelFlavor Flavor { get; }

    /// <summary>The one-line reason, without the prefix naming the flavor.</summary>
    public string Reason { get; }

    private static string Describe(ModelFlavor flavor) => flavor switch
    {
        ModelFlavor.Onnx => "ONNX",
        ModelFlavor.MLNet => "ML.NET",
        _ => flavor.ToString(),
    };
}
