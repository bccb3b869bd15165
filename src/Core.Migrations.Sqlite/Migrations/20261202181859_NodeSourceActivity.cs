using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Socme.Core.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class NodeSourceActivity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "last_suricata_alert_ms",
                table: "nodes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "last_wazuh_alert_ms",
                table: "nodes",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "last_suricata_alert_ms",
                table: "nodes");

            migrationBuilder.DropColumn(
                name: "last_wazuh_alert_ms",
                table: "nodes");
        }
    }
}
