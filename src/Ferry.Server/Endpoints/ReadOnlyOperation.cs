namespace Ferry.Server.Endpoints;

/// <summary>
/// Marks a POST route that only reads (MLflow's <c>runs/search</c>, for example), so viewers may call it.
/// The route-table test checks every other POST/PUT/PATCH/DELETE refuses a viewer.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class ReadOnlyOperationAttribute : Attribute;
