using Microsoft.Extensions.Hosting;

namespace Gateway.Inference.Pool;

/// <summary>Runs the pool's supervision loop and eager starts for the life of the host, and stops every model server with it.</summary>
internal sealed class ModelPoolHostedService(ModelPool pool) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        pool.StartEagerModels();
        return pool.SuperviseAsync(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await pool.DisposeAsync();
    }
}
