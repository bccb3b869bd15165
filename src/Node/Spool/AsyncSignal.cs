namespace Socme.Node.Spool;

/// <summary>
/// A broadcast "something changed" signal. Take <see cref="Task"/> first, then check the condition, then await the
/// task: a <see cref="Set"/> between the check and the await is not missed.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => Volatile.Read(ref _tcs).Task;

    public void Set() =>
        Interlocked.Exchange(ref _tcs, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
