using System.Threading.Channels;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock only moves when a test calls <see cref="Advance"/>. Timers fire (on the
/// thread pool) when the clock passes their due time; <see cref="NextTimerAsync"/> lets a test wait until the code
/// under test has started waiting, and see for how long.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly Channel<TimeSpan> _scheduled = Channel.CreateUnbounded<TimeSpan>();
    private DateTimeOffset _now = start;
    private long _elapsedTicks;

    public ManualTimeProvider() : this(new DateTimeOffset(2026, 11, 22, 7, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp()
    {
        Interlocked.Exchange(ref _onNextTimestamp, null)?.Invoke();
        lock (_lock)
        {
            return _elapsedTicks;
        }
    }

    private Action? _onNextTimestamp;

    /// <summary>Runs <paramref name="action"/> inside the next <see cref="GetTimestamp"/> call: lets a test act at an
    /// exact point of single-threaded code that reads the clock (e.g. a writer appending during a rotation check).</summary>
    public void OnNextTimestamp(Action action) => _onNextTimestamp = action;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Waits (up to a real-time guard) until a timer is scheduled; returns its delay.</summary>
    public async Task<TimeSpan> NextTimerAsync(TimeSpan? guard = null)
    {
        using var cts = new CancellationTokenSource(guard ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _scheduled.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No timer was scheduled: the code under test is not waiting on the clock.");
        }
    }

    /// <summary>Whether a timer was scheduled that <see cref="NextTimerAsync"/> has not returned yet.</summary>
    public bool HasUnobservedTimer => _scheduled.Reader.Count > 0;

    /// <summary>Moves the clock, firing due timers in order.</summary>
    public void Advance(TimeSpan by)
    {
        var target = GetTimestamp() + by.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.Due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    _now += TimeSpan.FromTicks(target - _elapsedTicks);
                    _elapsedTicks = target;
                    return;
                }
                _now += TimeSpan.FromTicks(next.Due - _elapsedTicks);
                _elapsedTicks = next.Due;
                if (next.Period > TimeSpan.Zero)
                {
                    next.Due += next.Period.Ticks;
                }
                else
                {
                    _timers.Remove(next);
                }
            }
            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long Due { get; set; }
        public TimeSpan Period { get; private set; }

        public void Fire() => ThreadPool.UnsafeQueueUserWorkItem(_ => callback(state), null);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }
                Due = owner._elapsedTicks + dueTime.Ticks;
                owner._timers.Add(this);
            }
            owner._scheduled.Writer.TryWrite(dueTime);
            return true;
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
