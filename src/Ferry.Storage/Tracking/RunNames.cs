namespace Ferry.Storage.Tracking;

/// <summary>Generated run names in MLflow's style, <c>adjective-noun-123</c>.</summary>
internal static class RunNames
{
    private static readonly string[] Adjectives =
    [
        "agreeable", "bold", "brave", "bright", "calm", "clever", "crisp", "dapper", "eager", "fearless", "gentle", "glamorous",
        "honest", "jolly", "keen", "kindly", "lively", "lucky", "merciful", "nimble", "polite", "quick", "rare", "shy", "silent",
        "smiling", "sneaky", "stately", "sunny", "tasteful", "unique", "vaunted", "wise", "youthful", "zealous",
    ];

    private static readonly string[] Nouns =
    [
        "ant", "bass", "bat", "bear", "bird", "boar", "carp", "cat", "colt", "crab", "crow", "deer", "doe", "dove", "eel",
        "finch", "fish", "fox", "frog", "goat", "hare", "hawk", "hen", "horse", "lark", "lynx", "mole", "moth", "newt", "owl",
        "ox", "panda", "robin", "seal", "shark", "sloth", "snail", "squid", "stag", "toad", "trout", "whale", "wolf", "wren",
    ];

    /// <summary>A new random name.</summary>
    public static string Generate() =>
        $"{Adjectives[Random.Shared.Next(Adjectives.Length)]}-{Nouns[Random.Shared.Next(Nouns.Length)]}-{Random.Shared.Next(1000)}";
}
