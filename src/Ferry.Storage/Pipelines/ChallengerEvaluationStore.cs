using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Pipelines;

/// <summary>Challenger evaluations (the loop's stages audit what they decide from them).</summary>
public sealed class ChallengerEvaluationStore(FerryDbContext db) : IChallengerEvaluationStore
{
    /// <inheritdoc />
    public async Task<ChallengerEvaluation> AddAsync(ChallengerEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        db.ChallengerEvaluations.Add(evaluation);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(evaluation).State = EntityState.Detached;
        return evaluation;
    }

    /// <inheritdoc />
    public async Task UpdateAsync(ChallengerEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var stored = await db.ChallengerEvaluations.FirstOrDefaultAsync(e => e.Id == evaluation.Id, cancellationToken)
            ?? throw new NotFoundException($"evaluation {evaluation.Id} does not exist");
        db.Entry(stored).CurrentValues.SetValues(evaluation);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(stored).State = EntityState.Detached;
    }

    /// <inheritdoc />
    public async Task<ChallengerEvaluation?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.ChallengerEvaluations.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChallengerEvaluation>> ListAsync(string? endpointName, int limit, CancellationToken cancellationToken = default) =>
        await db.ChallengerEvaluations.AsNoTracking().Where(e => endpointName == null || e.EndpointName == endpointName)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
            .Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
}
