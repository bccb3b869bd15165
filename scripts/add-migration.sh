#!/usr/bin/env bash
# Adds an EF Core migration named $1 to both providers' migrations assemblies.
#
# Microsoft.EntityFrameworkCore.Design needs Mono.TextTemplating and Microsoft.VisualStudio.SolutionPersistence,
# which this machine's package mirror lacks and which `migrations add` never loads. This script packs two empty
# stub packages into a temporary local feed, used only for this design-time restore (SocmeDesign=true), and
# restores the solution normally again afterwards.
set -euo pipefail
name="${1:?usage: scripts/add-migration.sh MigrationName}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"; cd "$root" && dotnet restore SOCme.slnx >/dev/null' EXIT

feed="$work/feed"
mkdir -p "$feed"
stub() { # id version
  local dir="$work/stub-$1"
  mkdir -p "$dir"
  cat > "$dir/stub.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <PackageId>$1</PackageId>
    <Version>$2</Version>
    <IncludeBuildOutput>false</IncludeBuildOutput>
    <NoWarn>NU5128</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <None Include="_._" Pack="true" PackagePath="lib/net10.0/" />
  </ItemGroup>
</Project>
XML
  : > "$dir/_._"
  dotnet pack "$dir/stub.csproj" -o "$feed" >/dev/null
}
stub Mono.TextTemplating 3.0.0
stub Microsoft.VisualStudio.SolutionPersistence 1.0.52

dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  project="src/Core.Migrations.$provider/Core.Migrations.$provider.csproj"
  dotnet build "$project" -p:SocmeDesign=true -p:RestoreAdditionalProjectSources="$feed" >/dev/null
  dotnet ef migrations add "$name" --project "$project" --startup-project "$project" \
    --context SocmeDbContext --output-dir Migrations --no-build
done
echo "Added migration $name for Sqlite and Postgres."
