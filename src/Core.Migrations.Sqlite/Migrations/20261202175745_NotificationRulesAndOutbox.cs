using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Socme.Core.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class NotificationRulesAndOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "the_hive_id",
                table: "alerts",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "the_hive_url",
                table: "alerts",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_channels",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    client_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    settings_json = table.Column<string>(type: "TEXT", nullable: false),
                    protected_secrets = table.Column<string>(type: "TEXT", nullable: true),
                    allow_private_network = table.Column<bool>(type: "INTEGER", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_channels", x => x.id);
                    table.ForeignKey(
                        name: "fk_notification_channels_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "notification_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    client_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    stop_processing = table.Column<bool>(type: "INTEGER", nullable: false),
                    conditions_json = table.Column<string>(type: "TEXT", nullable: false),
                    actions_json = table.Column<string>(type: "TEXT", nullable: false),
                    throttle_json = table.Column<string>(type: "TEXT", nullable: true),
                    digest_json = table.Column<string>(type: "TEXT", nullable: true),
                    expires_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    match_count = table.Column<long>(type: "INTEGER", nullable: false),
                    last_match_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    preset = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    created_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_rules", x => x.id);
                    table.ForeignKey(
                        name: "fk_notification_rules_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "notification_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    client_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    rule_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    channel_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    target = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    alert_id = table.Column<long>(type: "INTEGER", nullable: true),
                    group_key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    digest_key = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    digest_id = table.Column<long>(type: "INTEGER", nullable: true),
                    alert_count = table.Column<int>(type: "INTEGER", nullable: false),
                    dedupe_key = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    state = table.Column<int>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    lease_until_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    external_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    external_link = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    is_test = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    delivered_ms = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_notification_deliveries_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_notification_deliveries_notification_channels_channel_id",
                        column: x => x.channel_id,
                        principalTable: "notification_channels",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_notification_deliveries_notification_rules_rule_id",
                        column: x => x.rule_id,
                        principalTable: "notification_rules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "notification_intents",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    client_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    alert_id = table.Column<long>(type: "INTEGER", nullable: false),
                    rule_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    created_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    processed_ms = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_intents", x => x.id);
                    table.ForeignKey(
                        name: "fk_notification_intents_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_notification_intents_notification_rules_rule_id",
                        column: x => x.rule_id,
                        principalTable: "notification_rules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_notification_channels_client_id",
                table: "notification_channels",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_alert_id",
                table: "notification_deliveries",
                column: "alert_id");

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_channel_id",
                table: "notification_deliveries",
                column: "channel_id");

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_client_id_created_ms",
                table: "notification_deliveries",
                columns: new[] { "client_id", "created_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_dedupe_key",
                table: "notification_deliveries",
                column: "dedupe_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_digest_key_state",
                table: "notification_deliveries",
                columns: new[] { "digest_key", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_rule_id_group_key_created_ms",
                table: "notification_deliveries",
                columns: new[] { "rule_id", "group_key", "created_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_state_next_attempt_ms",
                table: "notification_deliveries",
                columns: new[] { "state", "next_attempt_ms" });

            migrationBuilder.CreateIndex(
                name: "ix_notification_intents_alert_id",
                table: "notification_intents",
                column: "alert_id");

            migrationBuilder.CreateIndex(
                name: "ix_notification_intents_processed_ms_id",
                table: "notification_intents",
                columns: new[] { "processed_ms", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_notification_intents_rule_id_alert_id",
                table: "notification_intents",
                columns: new[] { "rule_id", "alert_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notification_rules_client_id_position",
                table: "notification_rules",
                columns: new[] { "client_id", "position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_deliveries");

            migrationBuilder.DropTable(
                name: "notification_intents");

            migrationBuilder.DropTable(
                name: "notification_channels");

            migrationBuilder.DropTable(
                name: "notification_rules");

            migrationBuilder.DropColumn(
                name: "the_hive_id",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "the_hive_url",
                table: "alerts");
        }
    }
}
