using AssetForge.Features.Assets;
using AssetForge.Features.Errors;
using AssetForge.Features.Pipelines;
using AssetForge.Features.Users;
using AssetForge.Features.Variants;
using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using AssetForge.Infrastructure.Telemetry;

// Configuration is read once, at start: nothing here reacts to a changed file, and with reloading on (hosting's
// default) the content root is watched recursively by a thread woken on every write beneath it: a PostgreSQL data
// directory inside the checkout kept it at 5 % of the API's CPU under report-error load.
var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

builder.AddAssetForgeLogging();
builder.Services.AddAssetForgeSettings();
builder.AddAssetForgeTelemetry();
builder.AddAssetForgeManagement();
builder.Services.AddAssetForgeJson();
builder.Services.AddAssetForgeProblems();
builder.Services.AddAssetForgeValidation();
builder.Services.AddAssetForgeDatabase();
builder.Services.AddAssetForgeHealth();
builder.Services.AddAssetForgeOpenApi();
builder.Services.AddAssetForgeAuthentication();
builder.Services.AddAssetForgeRateLimiting();
builder.Services.AddAssetForgeCors();
builder.Services.AddAssetForgeResponseHeaders();
builder.Services.AddAssetForgeForwardedHeaders();
builder.Services.AddAssetForgeRequestBodyLimit();
builder.Services.AddSingleton<CursorCodec>();
builder.Services.AddSingleton<ShutdownDrain>();
builder.Services.AddAssetForgeIdempotency();

builder.Services.AddJsonContext(UsersJsonContext.Default);
builder.Services.AddAssets();
builder.Services.AddPipelines();
builder.Services.AddErrors();
builder.Services.AddVariants();

var app = builder.Build();

// `AssetForge migrate` applies the migrations and exits; serving, they are applied while the host starts, and /api
// answers 503 (readiness too) until they are.
if (args is ["migrate", ..]) return await app.MigrateDatabaseAsync() ? 0 : 1;
var migrated = app.MigrateDatabaseWhileStarting();

app.UseAssetForgeResponseHeaders();
app.UseShutdownDrain();
app.UseAssetForgeManagement();
app.UseMigrationGate();
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseAssetForgeCors();
app.UseAuthentication();
app.UseBearerTokenGuard();
app.UseAuthorization();
app.UseRateLimiter();
app.UseIdempotencyKeys();

app.MapHealth();
app.MapApiReference();

var api = app.MapGroup("/api").RequireAuthorization();
api.MapCurrentUser();
api.MapAssets();
api.MapPipelines();
api.MapErrors();
api.MapVariants();

await app.RunAsync();
return await migrated ? 0 : 1;

public partial class Program;
