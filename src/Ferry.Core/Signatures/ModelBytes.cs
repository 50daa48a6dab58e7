namespace Ferry.Core.Signatures;

/// <summary>Reads a model file into memory under a size cap, for runtimes that need the whole file at once.</summary>
public static class ModelBytes
{
    /// <summary>Reads <paramref name="model"/> to its end, refusing it as soon as it passes <paramref name="maxBytes"/>
    /// (at once when the stream knows its length) or when it is empty.</summary>
    /// <param name="model">The model stream; read to its end, not closed.</param>
    /// <param name="maxBytes">The largest accepted size in bytes.</param>
    /// <param name="flavor">The flavor named in the error.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="InvalidModelException">The file is empty or over the limit.</exception>
    public static async Task<byte[]> ReadAsync(Stream model, long maxBytes, ModelFlavor flavor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.CanSeek && model.Length - model.Position > maxBytes)
        {
            throw TooLarge(flavor, maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await model.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(flavor, maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new InvalidModelException(flavor, "the file is empty.");
        }

        return buffer.ToArray();
    }

    /// <summary>Checks a runtime's or reader's <c>MaxModelBytes</c> option: the whole file is read into one array, so
    /// the cap must be between 1 byte and 2 GiB.</summary>
    /// <param name="maxModelBytes">The configured cap.</param>
    /// <param name="paramName">The options parameter named in the error.</param>
    /// <exception cref="ArgumentOutOfRangeException">The cap is not between 1 and <see cref="int.MaxValue"/>.</exception>
    public static void CheckLimit(long maxModelBytes, string paramName)
    {
        if (maxModelBytes is <= 0 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(paramName, "MaxModelBytes must be between 1 and 2 GiB.");
        }
    }

    private static InvalidModelException TooLarge(ModelFlavor flavor, long maxBytes) =>
        new(flavor, $"the file is larger than the {maxBytes:N0}-byte limit for reading a model's signature.");
}
