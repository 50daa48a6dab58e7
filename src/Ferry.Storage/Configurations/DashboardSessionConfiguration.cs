using Ferry.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class DashboardSessionConfiguration : IEntityTypeConfiguration<DashboardSession>
{
    public void Configure(EntityTypeBuilder<DashboardSession> builder)
    {
        builder.ToTable("dashboard_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.SecretHash).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.HasIndex(s => s.SecretHash).IsUnique();
        builder.HasIndex(s => s.TokenId);
        builder.HasOne<ApiToken>().WithMany().HasForeignKey(s => s.TokenId).OnDelete(DeleteBehavior.Cascade);
    }
}
