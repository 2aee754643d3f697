using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;

var builder = WebApplication.CreateSlimBuilder(args);

builder.AddAssetForgeLogging();
builder.Services.AddAssetForgeJson();
builder.Services.AddAssetForgeProblems();
builder.Services.AddAssetForgeDatabase();
builder.Services.AddAssetForgeOpenApi();
builder.Services.AddSingleton<CursorCodec>();
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize =
    builder.Configuration.GetValue(RequestBodyLimitMiddleware.ConfigKey, RequestBodyLimitMiddleware.DefaultLimit));

var app = builder.Build();

// Migrations run before the first request is served; `AssetForge migrate` applies them and exits.
if (!app.MigrateDatabase()) return 1;
if (args is ["migrate", ..]) return 0;

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestBodyLimitMiddleware>();

app.MapHealth();
app.MapApiReference();

app.Run();
return 0;

public partial class Program;
