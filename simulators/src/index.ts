/** Device-fleet simulators: a pure generator layer (plan, fleet, device simulators) and a thin MQTT runner. */
export { startSimulation, type Simulation, type SimulationStats, type SimulationSummary } from './simulation.js';
export { planSimulation, type SimulationPlan, type Slot } from './plan.js';
export { SimulationOptionsSchema, SIMULATION_DEFAULTS, type SimulationOptions, type SimulationOptionsInput } from './options.js';
export { createFleet, FleetSizesSchema, type DeviceSpec, type FleetSizes, type SiteTraits } from './fleet.js';
export { DeviceSimulator, type SimMessage, type SimulatorSettings } from './device-simulator.js';
export { FaultRatesSchema, type FaultKind, type FaultRates } from './faults.js';
export { PROVINCES, findProvince, type Province } from './provinces.js';
export { SCENARIOS, POLLUTION_EPISODE, type ScenarioName } from './scenario.js';
