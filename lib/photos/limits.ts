/**
 * The platform's one policy on how large an image may be. Media refuses an
 * upload past it, the converter refuses to decode past it, and the resizer
 * refuses to render an original past it: one value, so media never accepts
 * what the converter would then mark failed. The CRD's `spec.limits`
 * defaults to these and the operator renders them into all three services;
 * each service's own default is this too, for `enlarger <service>` by hand.
 */
export const IMAGE_LIMITS = {
  /** Largest decoded image, width × height of one frame. */
  maxPixels: 150_000_000,
  /** Largest width or height of an upload (media's check; the others decode by pixel count). */
  maxDimension: 16_384,
} as const;
