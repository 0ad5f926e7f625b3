import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { questionnaireHash } from './questionnaire-catalog';
import { QuestionnaireService } from './questionnaire.service';
import type { Questionnaire } from './questionnaire.types';
import { QuestionnaireView } from './questionnaire.view';

// A version never changes once served: its view (and hash) is built once per version.
const views = new WeakMap<Questionnaire, QuestionnaireView>();

function view(questionnaire: Questionnaire): QuestionnaireView {
  const known = views.get(questionnaire);
  if (known) return known;
  const built: QuestionnaireView = {
    version: questionnaire.version,
    hash: questionnaireHash(questionnaire),
    title: questionnaire.title,
    introduction: questionnaire.introduction,
    sections: questionnaire.sections,
    questions: questionnaire.sections.flatMap((s) => s.questions),
  };
  views.set(questionnaire, built);
  return built;
}

@ApiTags('questionnaires')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Jeton absent ou invalide (problem+json)' })
@Controller('v1/questionnaires')
export class QuestionnaireController {
  constructor(private readonly questionnaires: QuestionnaireService) {}

  @Get('current')
  @ApiOperation({ summary: 'Le questionnaire en vigueur : sections, questions à lire, options et aides' })
  @ApiOkResponse({ type: QuestionnaireView })
  current(): QuestionnaireView {
    return view(this.questionnaires.current());
  }

  @Get(':version')
  @ApiOperation({ summary: 'Une version du questionnaire, passée ou actuelle, telle qu’elle a été posée' })
  @ApiParam({ name: 'version', example: '1' })
  @ApiOkResponse({ type: QuestionnaireView })
  @ApiNotFoundResponse({ description: 'Version inconnue (problem+json)' })
  async version(@Param('version') version: string): Promise<QuestionnaireView> {
    return view(await this.questionnaires.find(version));
  }
}
