namespace AssetForge.Infrastructure.Data;

/// <summary>
/// What a guarded write did, answered by its SQL (<c>CASE … THEN 'stale' … END</c>) and switched on by its handler.
/// The statement decides on the row it locked, so the answer is the truth at the moment of the write.
/// </summary>
[DbOutcome]
public enum WriteOutcome
{
    /// <summary>Written (created, changed or deleted).</summary>
    Done,

    /// <summary>Not there, or not the caller's to see.</summary>
    NotFound,

    /// <summary>If-Match named a version the row no longer has.</summary>
    Stale,

    /// <summary>The row's state forbids the change (a final state, an already resolved error).</summary>
    Conflict,

    /// <summary>The request names something that is not there for it (an unknown stage or asset, an incomplete order).</summary>
    Invalid,
}
