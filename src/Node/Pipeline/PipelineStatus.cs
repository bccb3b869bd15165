namespace Socme.Node.Pipeline;

/// <summary>The agent-wide part of the status (last ack, last error, pause), shared by the pipeline's stages.</summary>
internal sealed class PipelineStatus(TimeProvider time)
{
    private readonly Lock _lock = new();

    public DateTimeOffset? LastAckAt { get; private set; }
    public DateTimeOffset? LastShipAt { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }
    public bool ShippingPaused { get; private set; }
    public string? PausedReason { get; private set; }

    public void Error(string message)
    {
        lock (_lock)
        {
            LastError = message;
            LastErrorAt = time.GetUtcNow();
        }
    }

    public void Shipped()
    {
        lock (_lock)
        {
            LastShipAt = time.GetUtcNow();
        }
    }

    public void Acked()
    {
        lock (_lock)
        {
            LastAckAt = time.GetUtcNow();
        }
    }

    public void Pause(string reason)
    {
        lock (_lock)
        {
            ShippingPaused = true;
            PausedReason = reason;
        }
    }

    public void Resume()
    {
        lock (_lock)
        {
            ShippingPaused = false;
            PausedReason = null;
        }
    }

    public (DateTimeOffset? LastAckAt, DateTimeOffset? LastShipAt, string? LastError, DateTimeOffset? LastErrorAt, bool Paused, string? PausedReason) Read()
    {
        lock (_lock)
        {
            return (LastAckAt, LastShipAt, LastError, LastErrorAt, ShippingPaused, PausedReason);
        }
    }
}
