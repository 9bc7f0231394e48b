/** The embedded warehouse: `beam.warehouse.open(path?)`. */
export { open, Warehouse, defaultWarehousePath, type WriteDisposition, type CreateDisposition } from "./warehouse";
