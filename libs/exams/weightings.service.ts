import { Injectable } from '@nestjs/common';
import { type ReplaceWeightingsDto, type WeightingsView } from './dto/report-cards.dto';
import { invalidField, notFound, subjectsNotFound } from './report-cards.errors';
import { WeightingsRepository } from './weightings.repository';

/** A term's coursework/exam split per subject: replaced whole, read whole. */
@Injectable()
export class WeightingsService {
  constructor(private readonly weightings: WeightingsRepository) {}

  /** Replaces every weighting of the term, in the request's one transaction. */
  async replace(termId: string, body: ReplaceWeightingsDto): Promise<WeightingsView> {
    const ids = body.subjects.map((subject) => subject.subjectId);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) throw invalidField('subjects', `subject ${twice} is listed more than once`);
    const term = await this.weightings.lockTerm(termId, ids);
    if (!term) throw notFound('term')();
    if (term.missingSubjectIds.length > 0) throw subjectsNotFound(term.missingSubjectIds);
    await this.weightings.replace(termId, body.subjects);
    return this.read(termId);
  }

  async read(termId: string): Promise<WeightingsView> {
    const subjects = await this.weightings.ofTerm(termId);
    if (!subjects) throw notFound('term')();
    return { termId, subjects };
  }
}
