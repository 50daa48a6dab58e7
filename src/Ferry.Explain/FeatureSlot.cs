namespace Ferry.Explain;

/// <summary>One slot of a model's feature vector and the source feature it came from.</summary>
/// <param name="Name">The slot's own name (e.g. <c>purpose=car</c> for a one-hot slot, <c>age</c> for a plain one).</param>
/// <param name="Source">The source feature the slot belongs to (e.g. <c>purpose</c>); attributions are summed per source.</param>
/// <param name="Input">The model input the slot was traced to, when known.</param>
/// <param name="Column">The column of a multi-column input (e.g. float[N,8]), when the input has several.</param>
/// <param name="Category">The category a one-hot slot indicates, when it is one.</param>
public sealed record FeatureSlot(string Name, string Source, string? Input = null, int? Column = null, string? Category = null);
