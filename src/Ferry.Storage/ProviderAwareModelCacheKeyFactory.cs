using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Ferry.Storage;

/// <summary>Keys EF Core's model cache by provider too, since the model differs per provider (time conversions).</summary>
public sealed class ProviderAwareModelCacheKeyFactory : IModelCacheKeyFactory
{
    /// <inheritdoc />
    public object Create(DbContext context, bool designTime)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (context.GetType(), context.Database.ProviderName, designTime);
    }
}
