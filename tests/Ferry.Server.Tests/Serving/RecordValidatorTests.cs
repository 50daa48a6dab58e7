using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Server.Serving;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>JSON records to a feature batch: every kind of mistake is named, with the field and why.</summary>
public sealed class RecordValidatorTests
{
    private static readonly FeatureSpec[] Features =
    [
        new("age", FeatureKind.Number),
        new("income", FeatureKind.Number, AllowNaN: true),
        new("accounts", FeatureKind.WholeNumber),
        new("purpose", FeatureKind.Text),
        new("owner", FeatureKind.Boolean),
    ];

    [Fact]
    public void ValidRecords_BecomeTypedColumns()
    {
        var batch = Validate("""[{"age": 41.5, "income": null, "accounts": 3.0, "purpose": "car", "owner": true}, {"owner": false, "purpose": "home", "accounts": -2, "income": "NaN", "age": 1e3}]""");

        Assert.Equal(2, batch.RowCount);
        Assert.Equal([41.5, 1000], (double[])batch.Columns["age"]);
        Assert.All((double[])batch.Columns["income"], v => Assert.True(double.IsNaN(v)));
        Assert.Equal([3L, -2L], (long[])batch.Columns["accounts"]);
        Assert.Equal(["car", "home"], (string[])batch.Columns["purpose"]);
        Assert.Equal([true, false], (bool[])batch.Columns["owner"]);
    }

    [Theory]
    [InlineData("""{"age": "41", "income": 1, "accounts": 1, "purpose": "a", "owner": true}""", "records[0].age", "must be a number")]
    [InlineData("""{"age": null, "income": 1, "accounts": 1, "purpose": "a", "owner": true}""", "records[0].age", "not null")]
    [InlineData("""{"age": "NaN", "income": 1, "accounts": 1, "purpose": "a", "owner": true}""", "records[0].age", "NaN is not allowed")]
    [InlineData("""{"age": "Infinity", "income": 1, "accounts": 1, "purpose": "a", "owner": true}""", "records[0].age", "infinity")]
    [InlineData("""{"age": 1e400, "income": 1, "accounts": 1, "purpose": "a", "owner": true}""", "records[0].age", "finite")]
    [InlineData("""{"age": 1, "income": "Infinity", "accounts": 1, "purpose": "a", "owner": true}""", "records[0].income", "infinity")]
    [InlineData("""{"age": 1, "income": 1, "accounts": 1.5, "purpose": "a", "owner": true}""", "records[0].accounts", "fraction")]
    [InlineData("""{"age": 1, "income": 1, "accounts": "2", "purpose": "a", "owner": true}""", "records[0].accounts", "whole number")]
    [InlineData("""{"age": 1, "income": 1, "accounts": 1, "purpose": 7, "owner": true}""", "records[0].purpose", "must be a string")]
    [InlineData("""{"age": 1, "income": 1, "accounts": 1, "purpose": "a", "owner": "yes"}""", "records[0].owner", "true or false")]
    [InlineData("""{"age": 1, "income": 1, "accounts": 1, "purpose": "a"}""", "records[0].owner", "is required")]
    [InlineData("""{"age": 1, "income": 1, "accounts": 1, "purpose": "a", "owner": true, "Age": 2}""", "records[0].Age", "not a feature")]
    [InlineData("""[1]""", "records[0]", "JSON object")]
    public void EachMistake_IsNamedWithItsReason(string record, string field, string reason)
    {
        var json = record.StartsWith('[') ? "[" + record.Trim('[', ']') + "]" : "[" + record + "]";
        json = json == "[1]" ? "[1]" : json;

        var ex = Assert.Throws<ValidationException>(() => Validate(json));

        Assert.True(ex.Errors.ContainsKey(field), $"no error for {field}: {ex.Message}");
        Assert.Contains(reason, string.Join(" ", ex.Errors[field]), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBadRecord_IsReported_UpToTheCap()
    {
        var json = "[" + string.Join(",", Enumerable.Range(0, 30).Select(_ => """{"age": "x", "income": 1, "accounts": 1, "purpose": "a", "owner": 1}""")) + "]";

        var ex = Assert.Throws<ValidationException>(() => Validate(json));

        Assert.Equal(RecordValidator.MaxErrors + 1, ex.Errors.Count);
        Assert.Contains("10 more", ex.Errors["$"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void NotAnArray_OrEmpty_IsRefused()
    {
        Assert.Throws<ValidationException>(() => Validate("{}"));
        Assert.Throws<ValidationException>(() => Validate("[]"));
    }

    private static FeatureBatch Validate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return RecordValidator.FromRecords(document.RootElement, Features, "records");
    }
}
