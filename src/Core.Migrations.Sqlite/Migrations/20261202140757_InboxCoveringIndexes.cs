using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Socme.Core.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InboxCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alerts_client_id_time_ms_id",
                table: "alerts");

            migrationBuilder.DropIndex(
                name: "ix_alerts_time_ms_id",
                table: "alerts");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_client_time_covering",
                table: "alerts",
                columns: new[] { "client_id", "time_ms", "id", "source", "rule_id", "src_ip", "dst_ip", "level", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_time_covering",
                table: "alerts",
                columns: new[] { "time_ms", "id", "client_id", "source", "rule_id", "src_ip", "dst_ip", "level", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alerts_client_time_covering",
                table: "alerts");

            migrationBuilder.DropIndex(
                name: "ix_alerts_time_covering",
                table: "alerts");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_client_id_time_ms_id",
                table: "alerts",
                columns: new[] { "client_id", "time_ms", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_time_ms_id",
                table: "alerts",
                columns: new[] { "time_ms", "id" });
        }
    }
}
