using Ferry.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ferry.Storage.Configurations;

internal sealed class PrincipalGroupConfiguration : IEntityTypeConfiguration<PrincipalGroup>
{
    public void Configure(EntityTypeBuilder<PrincipalGroup> builder)
    {
        builder.ToTable("groups");
        builder.HasKey(g => g.Name);
        builder.Property(g => g.Name).HasMaxLength(200);
        builder.Property(g => g.Description).HasMaxLength(1000);
        builder.Property(g => g.CreatedBy).HasMaxLength(200).IsRequired();
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> builder)
    {
        builder.ToTable("group_members");
        builder.HasKey(m => new { m.GroupName, m.Member });
        builder.Property(m => m.GroupName).HasMaxLength(200);
        builder.Property(m => m.Member).HasMaxLength(200);
        builder.Property(m => m.AddedBy).HasMaxLength(200).IsRequired();
        builder.HasIndex(m => m.Member);
        builder.HasOne<PrincipalGroup>().WithMany().HasForeignKey(m => m.GroupName).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ResourceGrantConfiguration : IEntityTypeConfiguration<ResourceGrant>
{
    public void Configure(EntityTypeBuilder<ResourceGrant> builder)
    {
        builder.ToTable("resource_grants");
        builder.HasKey(g => new { g.ResourceKind, g.ResourceId, g.PrincipalKind, g.PrincipalName });
        builder.Property(g => g.ResourceKind).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.ResourceId).HasMaxLength(256);
        builder.Property(g => g.PrincipalKind).HasConversion<string>().HasMaxLength(10);
        builder.Property(g => g.PrincipalName).HasMaxLength(200);
        builder.Property(g => g.Permission).HasConversion<string>().HasMaxLength(10);
        builder.Property(g => g.GrantedBy).HasMaxLength(200).IsRequired();
        builder.HasIndex(g => new { g.PrincipalKind, g.PrincipalName });
    }
}

internal sealed class ResourceOwnerConfiguration : IEntityTypeConfiguration<ResourceOwner>
{
    public void Configure(EntityTypeBuilder<ResourceOwner> builder)
    {
        builder.ToTable("resource_owners");
        builder.HasKey(o => new { o.ResourceKind, o.ResourceId });
        builder.Property(o => o.ResourceKind).HasConversion<string>().HasMaxLength(20);
        builder.Property(o => o.ResourceId).HasMaxLength(256);
        builder.Property(o => o.OwnerGroup).HasMaxLength(200);
        builder.Property(o => o.CreatedBy).HasMaxLength(200).IsRequired();
    }
}
