// [PgEnum]: mapped on the data source by one generated call, and usable as a column, a parameter and an array.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AssetForge.Infrastructure.Data;
using Npgsql;

namespace Sample;

[PgEnum("job_state")]
public enum JobState { Queued, Running, TimedOut }

[DbRow]
public sealed partial record Job(Guid Id, JobState State, JobState? PreviousState);

public static partial class Jobs
{
    [Query("SELECT id, state, previous_state FROM jobs WHERE state = ANY (@states)")]
    public static partial Task<List<Job>> InStatesAsync(NpgsqlDataSource db, JobState[] states, CancellationToken ct);
}
