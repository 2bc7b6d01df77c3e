export { startCity, type City, type CityInfo } from './city.js';
