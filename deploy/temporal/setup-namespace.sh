#!/bin/sh
# Waits for the Temporal server, then registers the namespace and the OnboardingStatus
# search attribute. Idempotent; exits non-zero, saying why, when it cannot finish.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-72h}"
t() { temporal "$@" --address "$TEMPORAL_ADDRESS"; }

# A first start migrates the schema and can take minutes; ten is plenty.
attempts=0
until health=$(t operator cluster health 2>&1); do
  attempts=$((attempts + 1))
  if [ "$attempts" -gt 300 ]; then
    echo "Temporal at $TEMPORAL_ADDRESS did not become healthy: $health" >&2
    exit 1
  fi
  [ $((attempts % 15)) -eq 1 ] && echo "waiting for Temporal at $TEMPORAL_ADDRESS…"
  sleep 2
done
t operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 ||
  t operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$RETENTION"

# A namespace just created reaches every service's namespace cache only after its next refresh
# (seconds): until then, creating a search attribute in it answers "not found". Try until it holds.
attempts=0
until t operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" 2>/dev/null | grep -q OnboardingStatus; do
  attempts=$((attempts + 1))
  if ! created=$(t operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" \
    --name OnboardingStatus --type Keyword 2>&1); then
    if [ "$attempts" -ge 60 ]; then
      echo "could not register the OnboardingStatus search attribute in $TEMPORAL_NAMESPACE: $created" >&2
      exit 1
    fi
    sleep 2
  fi
done
echo "namespace $TEMPORAL_NAMESPACE and search attribute OnboardingStatus are registered"
