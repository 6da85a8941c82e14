import type { V1ObjectMeta } from '@kubernetes/client-node';
import { z } from 'zod';
import { imagePlatformSpec, type ImagePlatformSpec } from './spec.js';
import type { ImagePlatformStatus } from './status.js';

export const GROUP = 'enlarger.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'ImagePlatform';
export const PLURAL = 'imageplatforms';

/** Metadata fields the apiserver always sets on a stored object. */
export type StoredMeta = V1ObjectMeta & { name: string; namespace: string; uid: string; generation: number };

/** An ImagePlatform as read from the apiserver, defaults applied. */
export interface ImagePlatform {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: StoredMeta;
  spec: ImagePlatformSpec;
  status?: ImagePlatformStatus;
}

/** The stored object does not match the schema this operator was built with. */
export class InvalidSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSpecError';
  }
}

/**
 * Types an object read from the apiserver. The CRD already validated it; this
 * guards against a CRD older than the operator and fills defaults the
 * apiserver could not (objects stored before a default was added).
 */
export function parseImagePlatform(obj: {
  metadata?: V1ObjectMeta;
  spec?: unknown;
  status?: unknown;
}): ImagePlatform {
  const { metadata } = obj;
  if (!metadata?.name || !metadata.namespace || !metadata.uid) {
    throw new InvalidSpecError('object has no name, namespace or uid');
  }
  const spec = imagePlatformSpec.safeParse(obj.spec);
  if (!spec.success) throw new InvalidSpecError(z.prettifyError(spec.error).replaceAll('\n', '; '));
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: {
      ...metadata,
      name: metadata.name,
      namespace: metadata.namespace,
      uid: metadata.uid,
      generation: metadata.generation ?? 0,
    },
    spec: spec.data,
    status: obj.status as ImagePlatformStatus | undefined,
  };
}
