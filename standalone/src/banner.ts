import type { CityInfo } from './city.js';

/** The few lines a user needs after `npm start`: where to look, how to log in, where devices publish, where data is kept. */
export function startBanner(info: CityInfo): string {
  const lines = [
    '',
    '  IOC stream processor is running',
    `  Dashboard   ${info.dashboardUrl.replace('0.0.0.0', 'localhost')}`,
    `  Log in      ${adminLogin(info)}`,
    `  Devices     publish to ${info.mqtt.url} on ioc/{domain}/{siteId}/{deviceId}/telemetry (cameras: .../event)`,
  ];
  if (info.mqtt.embedded) {
    const moved = info.mqtt.requestedPort !== undefined && !info.mqtt.url.endsWith(`:${info.mqtt.requestedPort}`);
    if (moved) lines.push(`              port ${info.mqtt.requestedPort} was taken, so the embedded broker took this free one (MQTT_PORT changes it)`);
    lines.push(
      info.mqtt.devicePassword
        ? `              device login ${info.mqtt.deviceUsername} / ${info.mqtt.devicePassword}   (kept for later starts; MQTT_DEVICE_PASSWORD overrides it)`
        : `              device login ${info.mqtt.deviceUsername} / the password in MQTT_DEVICE_PASSWORD`,
    );
  }
  lines.push(
    `  Pipeline    bus: ${info.bus}, store: ${info.store}, simulated city: ${info.simulating ? 'on' : 'off'}`,
    `  Data        ${info.dataDir}   (${info.dataDirHolds.join(', ')}; IOC_DATA_DIR moves it)`,
  );
  if (info.secrets.tightenedFrom !== undefined) {
    lines.push(`              ${info.secrets.file} was readable by others (mode 0${info.secrets.tightenedFrom.toString(8)}); it is now 0600`);
  }
  lines.push('  Ops         /healthz /readyz /metrics on the dashboard port; JSON logs on stderr', '');
  return lines.join('\n') + '\n';
}

function adminLogin(info: CityInfo): string {
  if (info.generatedAdminPassword) {
    return `admin / ${info.generatedAdminPassword}   (generated at this first start and shown only now; IOC_ADMIN_PASSWORD chooses it)`;
  }
  if (info.adminPasswordConfigured) return 'admin / the password in IOC_ADMIN_PASSWORD';
  const firstStart = new Date(info.secrets.createdAt).toISOString().slice(0, 16).replace('T', ' ');
  return `admin / the password shown at the first start (${firstStart} UTC); lost it? start once with IOC_ADMIN_PASSWORD='a new one', or ask another admin`;
}
