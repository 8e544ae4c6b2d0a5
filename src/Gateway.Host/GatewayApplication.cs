namespace Gateway.Host;

public static class GatewayApplication
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/alive", () => "ok");
        return app;
    }
}
