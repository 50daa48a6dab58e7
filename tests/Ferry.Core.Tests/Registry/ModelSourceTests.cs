using Ferry.Core.Artifacts;
using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Xunit;

namespace Ferry.Core.Tests.Registry;

public sealed class ModelSourceTests
{
    [Fact]
    public void RunsUri_SplitsRunAndPath()
    {
        Assert.True(ModelSource.TryParseRunsUri("runs:/abc123/model/sub", out var run, out var path));
        Assert.Equal("abc123", run);
        Assert.Equal("model/sub", path);
        Assert.False(ModelSource.TryParseRunsUri("s3://b/m", out _, out _));
    }

    [Theory]
    [InlineData("mlflow-artifacts:/1/r/artifacts/model", "1/r/artifacts/model")]
    [InlineData("mlflow-artifacts://host:5000/1/r/artifacts/model/", "1/r/artifacts/model")]
    [InlineData("s3://bucket/model", null)]
    [InlineData("models:/m/1", null)]
    public void ArtifactsUri_MapsToStorePath(string uri, string? expected) => Assert.Equal(expected, ModelSource.ToArtifactPath(uri));

    [Fact]
    public void ArtifactsUri_WithUnsafePath_IsRefused() =>
        Assert.Throws<InvalidArtifactPathException>(() => ModelSource.ToArtifactPath("mlflow-artifacts:/1/a//b"));

    [Theory]
    [InlineData("s3://b/../x")]
    [InlineData("mlflow-artifacts:/1/%2E%2E/x")]
    [InlineData("runs:/r/a\0b")]
    [InlineData("")]
    public void Validate_RefusesTraversalAndNul(string source) =>
        Assert.Throws<ValidationException>(() => ModelSource.Validate(source));

    [Fact]
    public void Join_AppendsPaths() =>
        Assert.Equal("mlflow-artifacts:/1/r/artifacts/model", ModelSource.Join("mlflow-artifacts:/1/r/artifacts/", "/model"));
}
