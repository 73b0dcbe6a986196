import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseInput } from './validation';

/** `@Body(new ZodPipe(schema))`: validates at the edge with the same schema the OpenAPI document shows. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly where = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    return parseInput(this.schema, value, this.where);
  }
}
