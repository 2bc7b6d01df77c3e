import type { CityInfo } from './city.js';

/** The few lines a user needs after `npm start`: where to look, how to log in, where devices publish. */
export function startBanner(info: CityInfo): string {
  const lines = [
    '',
    '  IOC stream processor is running',
    `  Dashboard   ${info.dashboardUrl.replace('0.0.0.0', 'localhost')}`,
    info.generatedAdminPassword
      ? `  Log in      admin / ${info.generatedAdminPassword}   (generated now and shown once; set IOC_ADMIN_PASSWORD to choose it)`
      : '  Log in      admin / the password in IOC_ADMIN_PASSWORD',
    `  Devices     publish to ${info.mqtt.url} on ioc/{domain}/{siteId}/{deviceId}/telemetry (cameras: .../event)`,
  ];
  if (info.mqtt.embedded) {
    const moved = info.mqtt.requestedPort !== undefined && !info.mqtt.url.endsWith(`:${info.mqtt.requestedPort}`);
    if (moved) lines.push(`              port ${info.mqtt.requestedPort} was taken, so the embedded broker took this free one (MQTT_PORT changes it)`);
    lines.push(
      info.mqtt.devicePassword
        ? `              device login ${info.mqtt.deviceUsername} / ${info.mqtt.devicePassword}   (set MQTT_DEVICE_PASSWORD to choose it)`
        : `              device login ${info.mqtt.deviceUsername} / the password in MQTT_DEVICE_PASSWORD`,
    );
  }
  lines.push(
    `  Pipeline    bus: ${info.bus}, store: ${info.store}, simulated city: ${info.simulating ? 'on' : 'off'}`,
    '  Ops         /healthz /readyz /metrics on the dashboard port; JSON logs on stderr',
    '',
  );
  return lines.join('\n') + '\n';
}
