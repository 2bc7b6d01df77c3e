#!/bin/sh
# Builds the password file from the environment at every start, so no secret is baked into the image.
set -eu
: "${MQTT_INGEST_USERNAME:?set MQTT_INGEST_USERNAME}" "${MQTT_INGEST_PASSWORD:?set MQTT_INGEST_PASSWORD}"
: "${MQTT_DEVICE_USERNAME:?set MQTT_DEVICE_USERNAME}" "${MQTT_DEVICE_PASSWORD:?set MQTT_DEVICE_PASSWORD}"
mkdir -p /mosquitto/config
cp /deploy/mosquitto.conf /mosquitto/config/mosquitto.conf
: > /mosquitto/config/passwd
mosquitto_passwd -b /mosquitto/config/passwd "$MQTT_INGEST_USERNAME" "$MQTT_INGEST_PASSWORD"
mosquitto_passwd -b /mosquitto/config/passwd "$MQTT_DEVICE_USERNAME" "$MQTT_DEVICE_PASSWORD"
chmod 0700 /mosquitto/config/passwd
chown mosquitto:mosquitto /mosquitto/config/passwd 2>/dev/null || true
exec mosquitto -c /mosquitto/config/mosquitto.conf
