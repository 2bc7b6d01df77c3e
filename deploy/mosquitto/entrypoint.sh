#!/bin/sh
# Builds the password and ACL files from the environment at every start, so no secret is baked into the image.
#   MQTT_INGEST_USERNAME/PASSWORD   ingest: reads everything under ioc/, writes nothing
#   MQTT_DEVICE_USERNAME/PASSWORD   the device gateway (the simulated city, replays, benchmarks): writes for any device
#   /deploy-devices/passwd          optional, mounted: one line per real device, made with
#                                   `mosquitto_passwd -b passwd <deviceId> <secret>`; a device writes only under its own id
set -eu
: "${MQTT_INGEST_USERNAME:?set MQTT_INGEST_USERNAME}" "${MQTT_INGEST_PASSWORD:?set MQTT_INGEST_PASSWORD}"
: "${MQTT_DEVICE_USERNAME:?set MQTT_DEVICE_USERNAME}" "${MQTT_DEVICE_PASSWORD:?set MQTT_DEVICE_PASSWORD}"
config=${MOSQUITTO_CONFIG_DIR:-/mosquitto/config}
mkdir -p "$config"
sed "s|/mosquitto/config|$config|g" "$(dirname "$0")/mosquitto.conf" > "$config/mosquitto.conf"
: > "$config/passwd"
mosquitto_passwd -b "$config/passwd" "$MQTT_INGEST_USERNAME" "$MQTT_INGEST_PASSWORD"
mosquitto_passwd -b "$config/passwd" "$MQTT_DEVICE_USERNAME" "$MQTT_DEVICE_PASSWORD"
if [ -f /deploy-devices/passwd ]; then cat /deploy-devices/passwd >> "$config/passwd"; fi
cat > "$config/acl" <<ACL
# Ingest reads the devices' topics and writes nothing.
user $MQTT_INGEST_USERNAME
topic read ioc/#

# The gateway publishes for any device; it reads nothing.
user $MQTT_DEVICE_USERNAME
topic write ioc/#

# Every other account is one device: it publishes only under its own id and reads nothing.
pattern write ioc/+/+/%u/#
ACL
chmod 0700 "$config/passwd" "$config/acl"
chown mosquitto:mosquitto "$config/passwd" "$config/acl" 2>/dev/null || true
exec mosquitto -c "$config/mosquitto.conf"
